#include "evaluation/evaluation_store.h"

#include <map>

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::evaluation::store {

namespace {

const char* const kRubricColumns =
    "SELECT id, bureau_id, family_id, version, name, note, total, current, created_at FROM eval_rubrics ";

Rubric RubricFrom(const db::Row& r) {
  Rubric x;
  x.id = r.Int("id");
  x.bureau_id = r.Int("bureau_id");
  x.family_id = r.OptInt("family_id").value_or(x.id);
  x.version = static_cast<int>(r.Int("version"));
  x.name = r.Str("name");
  x.note = r.Str("note");
  x.total = static_cast<int>(r.Int("total"));
  x.current = r.Int("current") != 0;
  x.created_at = r.Int("created_at");
  return x;
}

std::vector<RubricItem> LoadItems(soci::session& sql, std::int64_t rubric_id) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("SELECT id, position, title, description, weight FROM eval_rubric_items WHERE "
                               "rubric_id = {} ORDER BY position, id",
                               a.Int(rubric_id)),
                   a, [](const db::Row& r) {
                     RubricItem out;
                     FZ_READ(r, out, id, position, title, description, weight);
                     return out;
                   });
}

const char* const kRoundColumns =
    "SELECT r.id, r.bureau_id, r.unit_id, u.name AS unit_name, u.path AS unit_path, r.name, r.rubric_id, r.good_min, "
    "r.poor_below, r.status, r.selection, r.seed, r.closed_at, r.created_at, r.teaching_material_id, (SELECT COUNT(*) "
    "FROM eval_round_cases "
    "k WHERE k.round_id = r.id) AS n FROM eval_rounds r JOIN units u ON u.id = r.unit_id ";

RoundRow RoundFrom(const db::Row& r) {
  RoundRow row;
  Round& x = row.r;
  FZ_READ(r, x, id, bureau_id, unit_id, unit_name, name, rubric_id, good_min, poor_below, status, selection, seed,
          closed_at, created_at);
  row.unit_path = r.Str("unit_path");
  x.material_id = r.OptInt("teaching_material_id");
  x.cases = r.Int("n");
  return row;
}

const char* const kCaseColumns =
    "SELECT id, round_id, case_id, unit_id, external_id, title, case_type, cause, category, unit_name, "
    "lead_officer_id, closed_at, score_x100, marked_by, grade, anon_title, anon_comments FROM eval_round_cases ";

RoundCase CaseFrom(const db::Row& r) {
  RoundCase c;
  FZ_READ(r, c, id, round_id, case_id, unit_id, external_id, title, case_type, cause, category, unit_name,
          lead_officer_id, closed_at, score_x100, marked_by, grade, anon_title, anon_comments);
  return c;
}

}  // namespace

std::int64_t InsertRubric(soci::session& sql, std::int64_t bureau_id, std::optional<std::int64_t> family_id,
                          int version, const RubricInput& in, std::optional<std::int64_t> user_id, EpochSeconds now) {
  int total = 0;
  for (const auto& it : in.items) total += it.weight;
  db::Values v;
  FZ_VALUES(v, in, name, note);
  v.Int("bureau_id", bureau_id)
      .OptInt("family_id", family_id)
      .Int("version", version)
      .Int("total", total)
      .Sql("current", "1")
      .OptInt("created_by", user_id)
      .Int("created_at", now);
  const std::int64_t id = db::InsertRow(sql, "eval_rubrics", v);
  int position = 0;
  for (const auto& it : in.items) {
    db::Values v;
    FZ_VALUES(v, it, title, description, weight);
    v.Int("bureau_id", bureau_id).Int("rubric_id", id).Int("position", ++position);
    db::InsertValues(sql, "eval_rubric_items", v);
  }
  return id;
}

void RetireFamily(soci::session& sql, std::int64_t family_id) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE eval_rubrics SET current = 0 WHERE id = {} OR family_id = {}", a.Int(family_id),
                       a.Int(family_id)),
           a);
}

int LatestVersion(soci::session& sql, std::int64_t family_id) {
  db::SqlArgs a;
  return static_cast<int>(
      db::ScalarInt(sql,
                    fmt::format("SELECT MAX(version) FROM eval_rubrics WHERE id = {} OR family_id = {}",
                                a.Int(family_id), a.Int(family_id)),
                    a)
          .value_or(1));
}

std::optional<std::string> PanelCandidate(soci::session& sql, std::int64_t user_id, const std::string& reach_path) {
  db::SqlArgs a;
  return db::ScalarText(sql,
                        fmt::format("SELECT s.display_name FROM users s JOIN units u ON u.id = s.unit_id WHERE s.id = "
                                    "{} AND s.active = 1 AND {}",
                                    a.Int(user_id), db::PathUnder(a, "u.path", reach_path)),
                        a);
}

std::vector<PanelMember> PanelCandidates(soci::session& sql, const std::string& reach_path,
                                         const std::vector<std::string>& roles) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("SELECT DISTINCT s.id, s.display_name FROM users s JOIN user_roles r ON r.user_id = "
                               "s.id JOIN units u ON u.id = s.unit_id WHERE s.active = 1 AND r.role IN {} AND {} ORDER "
                               "BY s.id",
                               a.StrList(roles), db::PathUnder(a, "u.path", reach_path)),
                   a, [](const db::Row& r) {
                     return PanelMember{r.Int("id"), r.Str("display_name")};
                   });
}

std::optional<Rubric> LoadRubric(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  auto r = db::FirstOf(sql, fmt::format("{} WHERE id = {}", kRubricColumns, a.Int(id)), a, RubricFrom);
  if (r) r->items = LoadItems(sql, r->id);
  return r;
}

std::vector<Rubric> ListRubrics(soci::session& sql, std::int64_t bureau_id, bool all_versions) {
  db::SqlArgs a;
  auto list = db::AllOf(sql,
                        fmt::format("{} WHERE bureau_id = {}{} ORDER BY id DESC", kRubricColumns, a.Int(bureau_id),
                                    all_versions ? "" : " AND current = 1"),
                        a, RubricFrom);
  for (auto& r : list) r.items = LoadItems(sql, r.id);
  return list;
}

std::int64_t InsertRound(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, const RoundInput& in,
                         std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, in, name, rubric_id, good_min, poor_below);
  v.Int("bureau_id", bureau_id)
      .Int("unit_id", unit_id)
      .Sql("status", "'open'")
      .OptInt("created_by", user_id)
      .Int("created_at", now)
      .Int("updated_at", now);
  return db::InsertRow(sql, "eval_rounds", v);
}

void InsertPanelMember(soci::session& sql, std::int64_t round_id, std::int64_t bureau_id, std::int64_t user_id,
                       const std::string& name) {
  db::Values v;
  v.Int("round_id", round_id).Int("user_id", user_id).Int("bureau_id", bureau_id).Str("name", name);
  db::InsertValues(sql, "eval_panel", v);
}

std::optional<RoundRow> LoadRound(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  auto row = db::FirstOf(sql, fmt::format("{} WHERE r.id = {}", kRoundColumns, a.Int(id)), a, RoundFrom);
  if (!row) return row;
  db::SqlArgs b;
  row->r.panel = db::AllOf(
      sql, fmt::format("SELECT user_id, name FROM eval_panel WHERE round_id = {} ORDER BY user_id", b.Int(id)), b,
      [](const db::Row& r) {
        return PanelMember{r.Int("user_id"), r.Str("name")};
      });
  return row;
}

Paged<Round> ListRounds(soci::session& sql, const std::string& reach_path, std::int64_t user_id,
                        const PageRequest& page) {
  db::SqlArgs a;
  const std::string where =
      fmt::format("WHERE ({} OR r.id IN (SELECT p.round_id FROM eval_panel p WHERE p.user_id = {}))",
                  db::PathUnder(a, "u.path", reach_path), a.Int(user_id));
  Paged<Round> out;
  out.total = db::ScalarInt(
                  sql, fmt::format("SELECT COUNT(*) FROM eval_rounds r JOIN units u ON u.id = r.unit_id {}", where), a)
                  .value_or(0);
  const std::string q = fmt::format("{} {} ORDER BY r.created_at DESC, r.id DESC LIMIT {} OFFSET {}", kRoundColumns,
                                    where, page.page_size, page.Offset());
  for (auto& row : db::AllOf(sql, q, a, RoundFrom)) out.items.push_back(std::move(row.r));
  return out;
}

void SetSelection(soci::session& sql, std::int64_t round_id, const std::string& selection,
                  std::optional<std::int64_t> seed, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE eval_rounds SET selection = {}, seed = {}, updated_at = {} WHERE id = {}",
                       a.Str(selection), a.OptInt(seed), a.Int(now), a.Int(round_id)),
           a);
}

void SetClosed(soci::session& sql, std::int64_t round_id, EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE eval_rounds SET status = 'closed', closed_at = {}, updated_at = {} WHERE id = {}",
                       a.Int(at), a.Int(at), a.Int(round_id)),
           a);
}

bool InsertRoundCase(soci::session& sql, std::int64_t bureau_id, std::int64_t round_id, const cases::EvaluableCase& c) {
  db::SqlArgs q;
  if (db::ScalarInt(sql,
                    fmt::format("SELECT COUNT(*) FROM eval_round_cases WHERE round_id = {} AND case_id = {}",
                                q.Int(round_id), q.Int(c.id)),
                    q)
          .value_or(0) > 0)
    return false;
  db::Values v;
  FZ_VALUES(v, c, external_id, title, case_type, cause, category, unit_id, unit_name, lead_officer_id, closed_at);
  v.Int("bureau_id", bureau_id).Int("round_id", round_id).Int("case_id", c.id);
  db::InsertValues(sql, "eval_round_cases", v);
  return true;
}

std::vector<RoundCase> ListRoundCases(soci::session& sql, std::int64_t round_id, std::int64_t user_id) {
  db::SqlArgs a;
  auto list =
      db::AllOf(sql, fmt::format("{} WHERE round_id = {} ORDER BY id", kCaseColumns, a.Int(round_id)), a, CaseFrom);
  if (user_id == 0 || list.empty()) return list;
  db::SqlArgs b;
  std::map<std::int64_t, int> mine;
  db::Each(sql,
           fmt::format("SELECT m.round_case_id AS k, COUNT(*) AS n FROM eval_marks m JOIN eval_round_cases c ON c.id "
                       "= m.round_case_id WHERE c.round_id = {} AND m.user_id = {} GROUP BY m.round_case_id",
                       b.Int(round_id), b.Int(user_id)),
           b, [&](const db::Row& r) { mine[r.Int("k")] = static_cast<int>(r.Int("n")); });
  for (auto& c : list)
    if (auto it = mine.find(c.id); it != mine.end()) c.my_marks = it->second;
  return list;
}

std::optional<RoundCase> LoadRoundCase(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE id = {}", kCaseColumns, a.Int(id)), a, CaseFrom);
}

void SetResult(soci::session& sql, std::int64_t round_case_id, std::optional<std::int64_t> score_x100, int marked_by,
               const std::string& grade, const std::string& anon_title, const std::string& anon_comments) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE eval_round_cases SET score_x100 = {}, marked_by = {}, grade = {}, anon_title = {}, "
                       "anon_comments = {} WHERE id = {}",
                       a.OptInt(score_x100), a.Int(marked_by),
                       a.OptStr(grade.empty() ? std::nullopt : std::optional<std::string>(grade)), a.Str(anon_title),
                       a.Str(anon_comments), a.Int(round_case_id)),
           a);
}

void ReplaceMarks(soci::session& sql, std::int64_t bureau_id, std::int64_t round_case_id, std::int64_t user_id,
                  const MarkInput& in, EpochSeconds now) {
  db::SqlArgs d;
  db::Exec(sql,
           fmt::format("DELETE FROM eval_marks WHERE round_case_id = {} AND user_id = {}", d.Int(round_case_id),
                       d.Int(user_id)),
           d);
  for (const auto& m : in.marks) {
    db::Values v;
    FZ_VALUES(v, m, item_id, mark, comment);
    v.Int("bureau_id", bureau_id).Int("round_case_id", round_case_id).Int("user_id", user_id).Int("updated_at", now);
    db::InsertValues(sql, "eval_marks", v);
  }
  db::SqlArgs c;
  db::Exec(sql,
           fmt::format("DELETE FROM eval_comments WHERE round_case_id = {} AND user_id = {}", c.Int(round_case_id),
                       c.Int(user_id)),
           c);
  db::Values v;
  v.Int("round_case_id", round_case_id)
      .Int("user_id", user_id)
      .Int("bureau_id", bureau_id)
      .Str("comment", in.comment)
      .Int("updated_at", now);
  db::InsertValues(sql, "eval_comments", v);
}

std::vector<MarkSheet> LoadSheets(soci::session& sql, std::int64_t round_case_id) {
  std::map<std::int64_t, MarkSheet> by_user;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT m.user_id, m.item_id, m.mark, m.comment, p.name FROM eval_marks m JOIN eval_round_cases "
                       "c ON c.id = m.round_case_id LEFT JOIN eval_panel p ON p.round_id = c.round_id AND p.user_id = "
                       "m.user_id WHERE m.round_case_id = {} ORDER BY m.user_id, m.item_id",
                       a.Int(round_case_id)),
           a, [&](const db::Row& r) {
             MarkSheet& s = by_user[r.Int("user_id")];
             FZ_READ(r, s, user_id, name);
             s.marks.push_back({r.Int("item_id"), static_cast<int>(r.Int("mark")), r.Str("comment")});
             s.total += static_cast<int>(r.Int("mark"));
           });
  db::SqlArgs b;
  db::Each(sql,
           fmt::format("SELECT user_id, comment FROM eval_comments WHERE round_case_id = {}", b.Int(round_case_id)), b,
           [&](const db::Row& r) {
             if (auto it = by_user.find(r.Int("user_id")); it != by_user.end()) it->second.comment = r.Str("comment");
           });
  std::vector<MarkSheet> out;
  for (auto& [id, s] : by_user) out.push_back(std::move(s));
  return out;
}

Paged<TeachingCase> ListTeaching(soci::session& sql, std::int64_t bureau_id, const std::string& reach_path,
                                 const std::string& grade, const PageRequest& page) {
  db::SqlArgs a;
  std::string where =
      fmt::format("WHERE r.status = 'closed' AND c.grade IN ('good', 'poor') AND (r.bureau_id = {} OR {})",
                  a.Int(bureau_id), db::PathUnder(a, "u.path", reach_path));
  if (!grade.empty()) where += fmt::format(" AND c.grade = {}", a.Str(grade));
  const std::string from =
      "FROM eval_round_cases c JOIN eval_rounds r ON r.id = c.round_id JOIN units u ON u.id = r.unit_id ";
  Paged<TeachingCase> out;
  out.total = db::ScalarInt(sql, fmt::format("SELECT COUNT(*) {}{}", from, where), a).value_or(0);
  const std::string q = fmt::format(
      "SELECT c.id, c.round_id, r.name AS round_name, c.grade, c.anon_title, c.case_type, c.category, "
      "c.anon_comments, c.score_x100, r.closed_at {}{} ORDER BY CASE WHEN c.grade = 'good' THEN 0 ELSE 1 END, "
      "c.score_x100 DESC, c.id LIMIT {} OFFSET {}",
      from, where, page.page_size, page.Offset());
  out.items = db::AllOf(sql, q, a, [](const db::Row& r) {
    TeachingCase v;
    FZ_READ(r, v, id, round_id, round_name, grade, case_type, category);
    v.title = r.Str("anon_title");
    v.comments = r.Str("anon_comments");
    v.score_x100 = r.OptInt("score_x100").value_or(0);
    v.closed_at = r.OptInt("closed_at").value_or(0);
    return v;
  });
  return out;
}

bool ClaimPublish(soci::session& sql, std::int64_t round_id) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE eval_rounds SET teaching_material_id = 0 WHERE id = {} AND teaching_material_id "
                              "IS NULL",
                              a.Int(round_id)),
                  a) == 1;
}

void SetPublished(soci::session& sql, std::int64_t round_id, std::optional<std::int64_t> material_id) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE eval_rounds SET teaching_material_id = {} WHERE id = {}", a.OptInt(material_id),
                       a.Int(round_id)),
           a);
}

}  // namespace fazhi::evaluation::store
