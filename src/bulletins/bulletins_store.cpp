#include "bulletins/bulletins_store.h"

#include <fmt/format.h>

#include "core/json_fields.h"
#include "db/sql.h"
#include "http/json_opt.h"

namespace fazhi::bulletins {

using nlohmann::json;

namespace {

std::optional<std::int64_t> OptFrom(const json& j, const char* key) {
  if (j.contains(key) && j[key].is_number_integer()) return j[key].get<std::int64_t>();
  return std::nullopt;
}

constexpr const char* kColumns =
    "b.id, b.bureau_id, u.name AS bureau_name, b.kind, b.period, b.state, b.title, b.corrects_id, b.issue_year, "
    "b.issue_seq, b.created_at, b.published_at, c.issue_year AS corrects_year, c.issue_seq AS corrects_seq";
constexpr const char* kFrom =
    " FROM bulletins b JOIN units u ON u.id = b.bureau_id LEFT JOIN bulletins c ON c.id = b.corrects_id";

BulletinSummary SummaryFrom(const db::Row& r) {
  BulletinSummary s;
  FZ_READ(r, s, id, bureau_id, kind, period, state, title, corrects_id, created_at, published_at);
  s.issue_no = {};
  s.corrects_issue_no = {};
  if (auto y = r.OptInt("issue_year")) s.issue_no = IssueNo(static_cast<int>(*y), static_cast<int>(r.Int("issue_seq")));
  if (auto y = r.OptInt("corrects_year"))
    s.corrects_issue_no = IssueNo(static_cast<int>(*y), static_cast<int>(r.Int("corrects_seq")));
  return s;
}

}  // namespace

std::string IssueNo(int year, int seq) { return fmt::format("{}年第{}期", year, seq); }

json SectionsToJson(const std::vector<kit::BulletinSection>& sections) {
  json out = json::array();
  for (const auto& s : sections) {
    json figures = json::array();
    for (const auto& f : s.figures) figures.push_back(FZ_JSON(f, key, label, value, of, previous, unit, source));
    json tables = json::array();
    for (const auto& t : s.tables) tables.push_back(FZ_JSON(t, caption, header, rows, numeric, source));
    out.push_back(Merged(FZ_JSON(s, id, title, has_data, empty_text, summary, items_title, items, items_source),
                         {{"figures", figures}, {"tables", tables}}));
  }
  return out;
}

std::vector<kit::BulletinSection> SectionsFromJson(const json& j) {
  std::vector<kit::BulletinSection> out;
  if (!j.is_array()) return out;
  for (const auto& x : j) {
    kit::BulletinSection s;
    s.id = x.value("id", "");
    s.title = x.value("title", "");
    s.has_data = x.value("has_data", false);
    s.empty_text = x.value("empty_text", "");
    s.summary = x.value("summary", "");
    for (const auto& f : x.value("figures", json::array()))
      s.figures.push_back({.key = f.value("key", ""),
                           .label = f.value("label", ""),
                           .value = f.value("value", std::int64_t{0}),
                           .of = OptFrom(f, "of"),
                           .previous = OptFrom(f, "previous"),
                           .unit = f.value("unit", ""),
                           .source = f.value("source", "")});
    for (const auto& t : x.value("tables", json::array()))
      s.tables.push_back({.caption = t.value("caption", ""),
                          .header = t.value("header", std::vector<std::string>{}),
                          .rows = t.value("rows", std::vector<std::vector<std::string>>{}),
                          .numeric = t.value("numeric", std::vector<bool>{}),
                          .source = t.value("source", "")});
    s.items_title = x.value("items_title", "");
    s.items = x.value("items", std::vector<std::string>{});
    s.items_source = x.value("items_source", "");
    out.push_back(std::move(s));
  }
  return out;
}

json NarrativeToJson(const Narrative& n) { return FZ_JSON(n, intro, sections, closing); }

Narrative NarrativeFromJson(const json& j) {
  Narrative n;
  if (!j.is_object()) return n;
  n.intro = j.value("intro", "");
  n.closing = j.value("closing", "");
  if (j.contains("sections") && j["sections"].is_object())
    for (const auto& [k, v] : j["sections"].items())
      if (v.is_string()) n.sections[k] = v.get<std::string>();
  return n;
}

std::int64_t InsertBulletin(soci::session& sql, const Bulletin& b, std::optional<std::int64_t> user_id) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "INSERT INTO bulletins (bureau_id, kind, period, state, title, sections, narrative, corrects_id, created_by, "
      "created_by_name, created_at, updated_at) VALUES ({}, {}, {}, 'draft', {}, {}, {}, {}, {}, {}, {}, {}) RETURNING "
      "id",
      a.Int(b.bureau_id), a.Str(b.kind), a.Str(b.period), a.Str(b.title), a.Str(SectionsToJson(b.sections).dump()),
      a.Str(NarrativeToJson(b.narrative).dump()), a.OptInt(b.corrects_id), a.OptInt(user_id), a.Str(b.created_by_name),
      a.Int(b.created_at), a.Int(b.created_at));
  return db::Insert(sql, q, a);
}

std::optional<Bulletin> LoadBulletin(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT {}, b.sections, b.narrative, b.created_by_name, b.approved_by_name, b.published_by_name, b.updated_at, "
      "b.approved_at{} WHERE b.id = {}",
      kColumns, kFrom, a.Int(id));
  std::optional<Bulletin> out;
  db::First(sql, q, a, [&](const db::Row& r) {
    const BulletinSummary s = SummaryFrom(r);
    Bulletin b;
    b.id = s.id;
    b.bureau_id = s.bureau_id;
    b.bureau_name = r.Str("bureau_name");
    b.kind = s.kind;
    b.period = s.period;
    b.state = s.state;
    b.title = s.title;
    b.sections = SectionsFromJson(json::parse(r.Text("sections"), nullptr, false));
    b.narrative = NarrativeFromJson(json::parse(r.Text("narrative"), nullptr, false));
    b.corrects_id = s.corrects_id;
    b.corrects_issue_no = s.corrects_issue_no;
    if (auto y = r.OptInt("issue_year")) {
      b.issue_year = static_cast<int>(*y);
      b.issue_seq = static_cast<int>(r.Int("issue_seq"));
    }
    b.issue_no = s.issue_no;
    FZ_READ(r, b, created_by_name, approved_by_name, published_by_name, updated_at, approved_at);
    b.created_at = s.created_at;
    b.published_at = s.published_at;
    out = std::move(b);
  });
  return out;
}

Paged<BulletinSummary> ListBulletins(soci::session& sql, const std::vector<std::int64_t>& bureau_ids,
                                     const std::vector<std::int64_t>& published_only, const BulletinFilter& f,
                                     const PageRequest& page) {
  Paged<BulletinSummary> out;
  if (bureau_ids.empty() && published_only.empty()) return out;
  db::SqlArgs a;
  std::string where = fmt::format(" WHERE (b.bureau_id IN {} OR (b.bureau_id IN {} AND b.state = 'published'))",
                                  a.IntList(bureau_ids.empty() ? std::vector<std::int64_t>{0} : bureau_ids),
                                  a.IntList(published_only.empty() ? std::vector<std::int64_t>{0} : published_only));
  if (f.kind) where += fmt::format(" AND b.kind = {}", a.Str(*f.kind));
  if (f.state) where += fmt::format(" AND b.state = {}", a.Str(*f.state));
  if (f.year) where += fmt::format(" AND b.period LIKE {}", a.Str(fmt::format("{:04d}-%", *f.year)));
  out.total = db::ScalarInt(sql, std::string("SELECT COUNT(*)") + kFrom + where, a).value_or(0);
  const std::string q = fmt::format("SELECT {}{}{} ORDER BY b.period DESC, b.kind, b.id DESC LIMIT {} OFFSET {}",
                                    kColumns, kFrom, where, page.page_size, page.Offset());
  db::Each(sql, q, a, [&](const db::Row& r) { out.items.push_back(SummaryFrom(r)); });
  return out;
}

std::optional<BulletinSummary> PublishedIssue(soci::session& sql, std::int64_t bureau_id, const std::string& kind,
                                              const std::string& period) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT {}{} WHERE b.bureau_id = {} AND b.kind = {} AND b.period = {} AND b.state = 'published' AND "
      "b.corrects_id IS NULL ORDER BY b.id",
      kColumns, kFrom, a.Int(bureau_id), a.Str(kind), a.Str(period));
  return db::FirstOf(sql, q, a, SummaryFrom);
}

int MaxIssueSeq(soci::session& sql, std::int64_t bureau_id, const std::string& kind, int year) {
  db::SqlArgs a;
  return static_cast<int>(
      db::ScalarInt(
          sql,
          fmt::format("SELECT COALESCE(MAX(issue_seq), 0) FROM bulletins WHERE bureau_id = {} AND kind = {} AND "
                      "issue_year = {}",
                      a.Int(bureau_id), a.Str(kind), a.Int(year)),
          a)
          .value_or(0));
}

void SaveNarrative(soci::session& sql, std::int64_t id, const Narrative& n, EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE bulletins SET narrative = {}, state = 'draft', approved_by = NULL, approved_by_name = '', "
                  "approved_at = NULL, updated_at = {} WHERE id = {}",
                  a.Str(NarrativeToJson(n).dump()), a.Int(at), a.Int(id)),
      a);
}

void MarkApproved(soci::session& sql, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& name,
                  EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE bulletins SET state = 'approved', approved_by = {}, approved_by_name = {}, approved_at = "
                  "{}, updated_at = {} WHERE id = {}",
                  a.OptInt(user_id), a.Str(name), a.Int(at), a.Int(at), a.Int(id)),
      a);
}

void MarkPublished(soci::session& sql, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& name,
                   int year, int seq, EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE bulletins SET state = 'published', issue_year = {}, issue_seq = {}, published_by = {}, "
                       "published_by_name = {}, published_at = {}, updated_at = {} WHERE id = {}",
                       a.Int(year), a.Int(seq), a.OptInt(user_id), a.Str(name), a.Int(at), a.Int(at), a.Int(id)),
           a);
}

}  // namespace fazhi::bulletins
