// Demo data of the bulletins module (`fazhi demo`, after scoring): the 12 执法质量通报 and the 4
// 执法规范化建设通报 of the demo year for every bureau with people, each generated on the 3rd of the
// month after its period, approved on the 4th and published on the 5th (as a real year would
// read). Idempotent: a period already published is left alone; a period with no data is skipped.
#pragma once

#include "bulletins/bulletins_service.h"

namespace fazhi::bulletins {

struct BulletinDemoSummary {
  int published = 0;  // bulletins published now
  int existing = 0;   // periods already published before
  int empty = 0;      // periods without data (not generated)
};

Result<BulletinDemoSummary> GenerateBulletinDemo(db::Database& db, const Providers& providers, int year);

}  // namespace fazhi::bulletins
