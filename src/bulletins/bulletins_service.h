// 通报 service: 执法质量通报 (monthly) and 执法规范化建设通报 (quarterly) generated from the data of
// their period through the bulletin sections every module registers (kit/bulletin_section.h),
// edited, approved by a 局领导, published with their 期号 and frozen. docs/bulletins.md.
//
// Lifecycle: Generate (bulletin.write) computes every section for the period and the bureau and
// stores a draft with a generated narrative → EditNarrative (bulletin.write) changes only the
// paragraphs a person writes; the figures stay those computed from the data; editing an approved
// bulletin makes it a draft again → Approve (bulletin.approve, the 局领导 role) → Publish
// (bulletin.write) gives the 期号 and freezes it. A correction (更正) is a new bulletin naming the
// published issue it corrects; it gets the next free number after the year's regular issues.
//
// Numbers: a regular issue is numbered by its period (2023-07 → 2023年第7期, 2023-Q3 → 2023年第3期);
// a correction takes max(12 or 4, the year's highest number) + 1.
//
// Errors (HTTP 4xx, nothing changed): InvalidArgument for a kind other than quality/standardization
// (reason invalid_kind), a malformed period (invalid_period) or one of the wrong length for the
// kind (period_kind_mismatch), a period with no data in any section (no_data, saying so), an
// unknown section in an edit (unknown_section); Forbidden for approval without bulletin.approve
// (not_leader); Conflict for an edit or approval of a published bulletin (bulletin_frozen), a
// publication before approval (not_approved), a second publication of the same number
// (duplicate_issue), a correction of an issue that is not published (corrects_not_published);
// NotFound for a bulletin or bureau outside the scope.
//
// Scope: a bulletin belongs to a bureau (分县局). Writing and approving need the bureau in the
// caller's subtree, or the caller on the bureau's legal unit (法制大队/法制室, as in scoring).
// Reading needs bulletin.read and the same scope; a published bulletin is also read by every account
// of its bureau (it is distributed to all units), a draft is not.
// Every change runs in one Database::Write transaction with its audit row (bulletin.generate,
// bulletin.update, bulletin.approve, bulletin.publish); downloads are audited (bulletin.export).
//
// Thread safety: the service holds references and an immutable provider list; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "bulletins/bulletins_types.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/document.h"

namespace fazhi::bulletins {

// The sections of every module (shared, immutable: the demo builds a service of its own on them).
using Providers = std::vector<std::shared_ptr<const kit::BulletinSectionProvider>>;

// The principal of the CLI and the demo: every bulletin permission, whole tree.
auth::Principal SystemPrincipal();

class BulletinService {
 public:
  // `providers` are sorted by their order().
  BulletinService(db::Database& db, const Clock& clock, Providers providers);

  const Providers& providers() const { return providers_; }

  Result<Bulletin> Generate(const auth::Principal& who, const audit::Actor& actor, const GenerateInput& in);
  Result<Paged<BulletinSummary>> List(const auth::Principal& who, const BulletinFilter& f,
                                      const PageRequest& page) const;
  Result<Bulletin> Get(const auth::Principal& who, std::int64_t id) const;
  Result<Bulletin> EditNarrative(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                 const NarrativeEdit& edit);
  Result<Bulletin> Approve(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  Result<Bulletin> Publish(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);

  // The DOCX (files::WriteDocx) and the print page (files::RenderDocumentHtml) of a bulletin.
  Result<FileDownload> Docx(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) const;
  Result<std::string> PrintHtml(const auth::Principal& who, std::int64_t id) const;

  // A bulletin computed in memory without storing it (the CLI on a period with no stored issue):
  // the published issue of that period when there is one, else a preview draft. `bureau_id`
  // nullopt: the first bureau with data; a unit of another level (a 市局) previews its subtree.
  Result<Bulletin> Preview(const std::string& kind, const std::string& period,
                           std::optional<std::int64_t> bureau_id) const;

  // The official document of a bulletin (GB/T 9704 通报 layout; docs/documents.md).
  files::Document Compose(const Bulletin& b) const;
  std::string FileName(const Bulletin& b, const char* ext) const;

 private:
  Result<Bulletin> Build(soci::session& sql, const std::string& kind, const std::string& period,
                         std::int64_t bureau_id) const;

  db::Database& db_;
  const Clock& clock_;
  Providers providers_;
};

}  // namespace fazhi::bulletins
