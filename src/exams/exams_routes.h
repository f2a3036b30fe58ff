// The /api/exams routes (考试, 执法资格): a table of named handlers over ExamService.
#pragma once

#include "exams/exams_service.h"
#include "http/router.h"

namespace fazhi::exams {

void RegisterRoutes(http::Router& router, ExamService& s);

}  // namespace fazhi::exams
