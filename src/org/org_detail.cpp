#include "org/org_detail.h"

#include <fmt/format.h>

#include "core/json_fields.h"
#include "core/text.h"

namespace fazhi::org::detail {

namespace {

Result<std::string> Unseal(const auth::Vault& vault, const std::optional<std::string>& sealed) {
  if (!sealed || sealed->empty()) return std::string();
  auto plain = vault.Decrypt(*sealed);
  if (!plain) return Internal("人员敏感信息无法解密：数据库与密钥文件不匹配");
  return *plain;
}

}  // namespace

Result<void> Require(const auth::Principal& who, std::string_view permission) {
  if (who.Has(permission)) return {};
  return Forbidden(fmt::format("没有权限执行此操作（需要 {} 权限）", permission), "permission_denied");
}

nlohmann::json Diff(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json b = nlohmann::json::object(), a = nlohmann::json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    const auto old = before.find(it.key());
    if (old == before.end() || *old != it.value()) {
      b[it.key()] = old == before.end() ? nlohmann::json(nullptr) : *old;
      a[it.key()] = it.value();
    }
  }
  return {{"before", b}, {"after", a}};
}

Result<PersonDraft> DraftOf(const auth::Vault& vault, const PersonRow& row) {
  std::string id_number = FZ_TRY(Unseal(vault, row.id_number_enc));
  std::string phone = FZ_TRY(Unseal(vault, row.phone_enc));
  return PersonDraft{.name = row.name,
                     .badge_no = row.badge_no,
                     .kind = row.kind,
                     .position = row.position,
                     .is_legal_officer = row.is_legal_officer,
                     .id_number = std::move(id_number),
                     .phone = std::move(phone)};
}

Result<Person> ToPerson(const auth::Vault& vault, const PersonRow& row, bool pii) {
  const PersonDraft d = FZ_TRY(DraftOf(vault, row));
  return Person{.id = row.id,
                .bureau_id = row.bureau_id,
                .unit_id = row.unit_id,
                .unit_name = row.unit_name,
                .name = row.name,
                .badge_no = row.badge_no,
                .kind = row.kind,
                .position = row.position,
                .is_legal_officer = row.is_legal_officer,
                .id_number = pii ? d.id_number : auth::MaskIdNumber(d.id_number),
                .phone = pii ? d.phone : auth::MaskPhone(d.phone),
                .pii_visible = pii,
                .active = row.active,
                .created_at = row.created_at,
                .updated_at = row.updated_at};
}

Result<std::vector<Person>> ToPeople(const auth::Vault& vault, const std::vector<PersonRow>& rows, bool pii,
                                     std::vector<std::int64_t>& unmasked_ids) {
  std::vector<Person> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    Person p = FZ_TRY(ToPerson(vault, row, pii));
    if (pii && (!p.id_number.empty() || !p.phone.empty())) unmasked_ids.push_back(p.id);
    out.push_back(std::move(p));
  }
  return out;
}

Result<PeopleQuery> PeopleQueryFor(soci::session& sql, const auth::Principal& who, const PersonFilter& f) {
  PeopleQuery q{.scope_path = who.unit_path, .kind = f.kind, .legal_officer = f.legal_officer, .active = f.active};
  if (f.unit_id) {
    auto unit = LoadUnit(sql, *f.unit_id, who.unit_path);
    if (!unit) return Fail(ErrorCode::kNotFound, "单位不存在", "unit_id");
    q.unit_path = unit->path;
  }
  if (f.q && !Trim(*f.q).empty()) q.q = Trim(*f.q);
  return q;
}

PersonRow SealedRow(const auth::Vault& vault, const PersonDraft& d, std::int64_t unit_id, std::int64_t bureau_id,
                    bool active, const PersonRow* old, const PersonDraft* old_plain) {
  PersonRow row{.id = old ? old->id : 0,
                .bureau_id = bureau_id,
                .unit_id = unit_id,
                .name = d.name,
                .badge_no = d.badge_no,
                .kind = d.kind,
                .position = d.position,
                .is_legal_officer = d.is_legal_officer,
                .active = active};
  const bool same_id = old && old_plain && old_plain->id_number == d.id_number;
  const bool same_phone = old && old_plain && old_plain->phone == d.phone;
  if (!d.id_number.empty()) {
    row.id_number_enc = same_id ? old->id_number_enc : vault.Encrypt(d.id_number);
    row.id_number_hash = same_id ? old->id_number_hash : vault.BlindIndex(d.id_number);
  }
  if (!d.phone.empty()) row.phone_enc = same_phone ? old->phone_enc : vault.Encrypt(d.phone);
  return row;
}

nlohmann::json PersonAuditJson(const PersonDraft& d, std::int64_t unit_id, bool active) {
  return Merged(FZ_JSON(d, name, badge_no, kind, position, is_legal_officer),
                {{"unit_id", unit_id},
                 {"id_number", auth::MaskIdNumber(d.id_number)},
                 {"phone", auth::MaskPhone(d.phone)},
                 {"active", active}});
}

Result<void> AuditPiiRead(db::Database& db, const Clock& clock, const audit::Actor& actor,
                          const std::vector<std::int64_t>& ids, std::string_view via) {
  if (ids.empty()) return {};
  return db.Write([&](soci::session& sql) -> Result<void> {
    audit::Append(sql, clock, actor,
                  {"person.read_pii",
                   "person",
                   ids.size() == 1 ? std::to_string(ids.front()) : std::string(),
                   fmt::format("查看 {} 名人员的身份证号/手机号（{}）", ids.size(), via),
                   {{"ids", ids}, {"via", via}}});
    return {};
  });
}

}  // namespace fazhi::org::detail
