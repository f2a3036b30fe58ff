// Organisation and people (单位与人员): the unit tree 市局 → 分县局 → 科所队, the people in it
// (民警/辅警), and the roster import/export.
//
// Every operation takes the caller (auth::Principal: permissions and scope) and, for writes, an
// audit::Actor. Scope: a caller sees a unit only when its path starts with the caller's unit path,
// and a person only when the person's unit is in scope. An id outside the scope is answered exactly
// like an id that does not exist (NotFound), so the answer never reveals what exists elsewhere.
// Every write runs in one Database::Write transaction together with its audit row(s); reading
// unmasked 身份证号/手机号 appends a "person.read_pii" audit row before the data is returned.
//
// Thread safety: an OrgService holds only references and may be shared by all request threads.
// The Database, Clock and Vault must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "org/org_types.h"

namespace fazhi::org {

// Sort fields accepted by ListPeople (the first is the default): unit (unit path, then 警号),
// name, badge_no.
const std::vector<std::string>& PeopleSortFields();

class OrgService {
 public:
  OrgService(db::Database& db, const Clock& clock, const auth::Vault& vault);

  // ---- units (needs org.read / org.write; Forbidden otherwise) ----

  // Every unit in the caller's scope, ordered by path (a parent before its children).
  Result<std::vector<Unit>> ListUnits(const auth::Principal& who) const;
  // One unit in scope; NotFound otherwise.
  Result<Unit> GetUnit(const auth::Principal& who, std::int64_t id) const;
  // Creates a unit under `in.parent_id` (which must be in scope: NotFound otherwise). The level must
  // be strictly below the parent's (city > bureau > team): InvalidArgument otherwise. Computes path
  // and bureau_id. Conflict if the parent already has a unit of that name.
  Result<Unit> CreateUnit(const auth::Principal& who, const audit::Actor& actor, const UnitCreate& in);
  // Creates a top-level unit (no parent, no scope check): for setup and the CLI only, never for
  // HTTP. InvalidArgument if in.parent_id is set; Conflict on a duplicate top-level name.
  Result<Unit> CreateRootUnit(const audit::Actor& actor, const UnitCreate& in);
  // Renames / recodes a unit in scope. NotFound, InvalidArgument, Conflict (duplicate name).
  Result<Unit> UpdateUnit(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, const UnitUpdate& in);
  // Deletes a unit in scope that has no sub-units, no people (active or not) and no user accounts:
  // Conflict with a 中文 reason otherwise (also when other data still refers to it).
  Result<void> DeleteUnit(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);

  // ---- people (needs people.read / people.write) ----

  // A page of people in scope matching `filter`, sorted by page.sort (see PeopleSortFields()).
  // NotFound if filter.unit_id is outside the scope. 身份证号/手机号 are masked unless the caller
  // holds people.pii; when they are not, one person.read_pii audit row lists the ids returned.
  Result<Paged<Person>> ListPeople(const auth::Principal& who, const audit::Actor& actor, const PersonFilter& filter,
                                   const PageRequest& page);
  // One person in scope (active or not); NotFound otherwise. Audits unmasked reads like ListPeople.
  Result<Person> GetPerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  // Creates an active person. InvalidArgument (field named) for a missing or bad field; NotFound if
  // the unit is out of scope; Conflict if the 警号 or 身份证号 is already registered.
  Result<Person> CreatePerson(const auth::Principal& who, const audit::Actor& actor, const PersonInput& in);
  // Changes the given fields of a person in scope (the new unit must be in scope too). Errors as
  // CreatePerson, plus NotFound for the person. An update that changes nothing writes nothing.
  Result<Person> UpdatePerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                              const PersonInput& in);
  // Marks a person in scope inactive (people are never deleted: cases refer to them). Idempotent.
  Result<Person> DeactivatePerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);

  // ---- roster import / export (docs/org.md describes the file format) ----

  // Checks, and in kCommit mode applies, a roster file (CSV in UTF-8 or GBK, or XLSX; see
  // files/spreadsheet.h for the file errors, returned as Error before any row is looked at). Row problems are not
  // errors: they are listed in the report. kCommit writes nothing when any row is bad, unless `skip_invalid`, in which
  // case the valid rows are written. All rows of a commit go in one transaction. A row whose 警号 exists (in scope)
  // updates that person, so importing the same file twice changes nothing the second time. Needs people.write.
  Result<ImportReport> ImportRoster(const auth::Principal& who, const audit::Actor& actor, std::string_view bytes,
                                    std::string_view filename, ImportMode mode, bool skip_invalid);
  // The people in scope matching `filter` (all pages, at most 50,000) as a file with the import
  // columns plus 状态, PII masked unless people.pii. Appends a person.export audit row (and a
  // person.read_pii row when unmasked). InvalidArgument if more rows match than the limit.
  Result<FileDownload> ExportPeople(const auth::Principal& who, const audit::Actor& actor, const PersonFilter& filter,
                                    FileFormat format);
  // An empty roster (header row; XLSX adds a 填写说明 sheet). No database access.
  Result<FileDownload> RosterTemplate(FileFormat format) const;

 private:
  db::Database& db_;
  const Clock& clock_;
  const auth::Vault& vault_;
};

}  // namespace fazhi::org
