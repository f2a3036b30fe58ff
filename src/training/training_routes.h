// The /api/training routes (training_routes.cpp): one named handler per route, a route table.
#pragma once

#include "http/router.h"
#include "training/training_service.h"

namespace fazhi::training {

void RegisterRoutes(http::Router& router, TrainingService& s);

}  // namespace fazhi::training
