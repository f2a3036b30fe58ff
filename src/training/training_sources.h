// The training module's bulletin section "training" (学法用法情况): the period's sessions by kind and
// the attendance, from training_reads.h. Reads only the module's own tables.
#pragma once

#include <memory>

#include "kit/bulletin_section.h"

namespace fazhi::training {

std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection();

}  // namespace fazhi::training
