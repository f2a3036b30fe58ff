// Access matrix (issue 16): every registered route — GET and write — called by every role of one
// 派出所 (东街派出所), by bureau-level holders (法制大队 法制员, 分局 系统/安全管理员, 局领导) and without a session,
// on an object in scope and one out of scope, each with the answer the security model requires. The
// expectations live in tests/http/access_matrix.tsv, one line per route; a route the server
// registers without a line there fails the test, and so does a line for a route that no longer exists.
//
// Answer classes: A allow (the gate let the call through: anything but 401/403/404/405/5xx; an
// empty or invalid body may answer 400/409/422), D deny (403), N refused as not found (404: a
// bureau-level object outside the caller's scope), U not signed in (401), H hidden (an
// out-of-scope object answers exactly like a nonexistent id: same status, same error code, 404 or
// the same 4xx the handler gives a nonexistent id). Writes are sent with the session's CSRF token and
// a body the handler refuses after the gate (by default `{}`; `body=` on the line), so the matrix
// changes as little as it can and never locks, resets or deletes its own accounts. Every write that
// needs a session is also sent once without the CSRF token (403 csrf_missing). The test prints the
// matrix size and the count per class.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "app/app.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "bulletins/bulletins_module.h"
#include "cases/case_service.h"
#include "evaluation/evaluation_demo.h"
#include "exams/exams_demo.h"
#include "http/http_fixture.h"
#include "inspections/inspections_demo.h"
#include "intake/intake_demo.h"
#include "intake/intake_module.h"
#include "org/org_demo.h"
#include "oversight/oversight_service.h"
#include "patrol/patrol_demo.h"
#include "publicity/publicity_demo.h"
#include "scoring/scoring_demo.h"
#include "scoring/scoring_service.h"
#include "support/test_db.h"
#include "training/training_demo.h"
#include "volunteers/volunteers_demo.h"

namespace fazhi::testing {
namespace {

constexpr const char* kPassword = "Matrix@2026x";
constexpr const char* kNoSuchId = "999999999";

// One column of the matrix: who calls.
struct Caller {
  std::string column;    // header name in the data file
  std::string username;  // empty: no session
  std::string role;
  std::string unit;  // unit name
};

const std::vector<Caller>& Callers() {
  static const std::vector<Caller> kCallers = {
      {"anon", "", "", ""},
      {"sys_admin", "mx_sys", "sys_admin", "东街派出所"},
      {"sec_admin", "mx_sec", "sec_admin", "东街派出所"},
      {"audit_admin", "mx_aud", "audit_admin", "东街派出所"},
      {"leader", "mx_lead", "leader", "东街派出所"},
      {"legal_officer", "mx_legal", "legal_officer", "东街派出所"},
      {"case_officer", "mx_case", "case_officer", "东街派出所"},
      {"inspector", "mx_insp", "inspector", "东街派出所"},
      {"intake", "mx_intake", "intake", "东街派出所"},
      {"volunteer_admin", "mx_vol", "volunteer_admin", "东街派出所"},
      {"bureau_legal", "mx_blegal", "legal_officer", "法制大队"},
      {"bureau_sys", "mx_bsys", "sys_admin", "城区分局"},
      {"bureau_sec", "mx_bsec", "sec_admin", "城区分局"},
      {"bureau_leader", "mx_blead", "leader", "城区分局"},
  };
  return kCallers;
}

// Objects a path parameter can name. `sql` selects, as text, one column per path parameter (in the
// pattern's order) for objects under the unit path :P (the in-scope 东街派出所 or the out-of-scope
// 西街派出所); :ME is the caller's user id. `global`: the object belongs to the whole bureau, so it
// has no out-of-scope variant.
struct ObjectKind {
  std::string sql;
  bool global = false;
};

const std::map<std::string, ObjectKind>& Kinds() {
  static const std::map<std::string, ObjectKind> kKinds = {
      {"unit", {"SELECT CAST(id AS TEXT) FROM units WHERE path = ':P'"}},
      {"person",
       {"SELECT CAST(p.id AS TEXT) FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE ':P%' AND "
        "NOT EXISTS (SELECT 1 FROM users x WHERE x.person_id = p.id) ORDER BY p.id"}},
      {"user",
       {"SELECT CAST(x.id AS TEXT) FROM users x JOIN units u ON u.id = x.unit_id WHERE u.path LIKE ':P%' "
        "AND x.username LIKE 'mx_victim%' ORDER BY x.id"}},
      {"incident",
       {"SELECT CAST(i.id AS TEXT) FROM incidents i JOIN units u ON u.id = i.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY i.id"}},
      {"case",
       {"SELECT CAST(c.id AS TEXT) FROM cases c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY c.id"}},
      {"job",
       {"SELECT CAST(j.id AS TEXT) FROM jobs j JOIN users x ON x.id = j.created_by JOIN units u ON u.id = "
        "x.unit_id WHERE u.path LIKE ':P%' ORDER BY j.id"}},
      // In scope: the caller's own; out of scope: another account's (西街派出所's victim).
      {"notification",
       {"SELECT CAST(n.id AS TEXT) FROM notifications n JOIN users x ON x.id = n.user_id WHERE (':P' = ':EAST' AND "
        "n.user_id = :ME) OR (':P' <> ':EAST' AND x.username = 'mx_victim_w') ORDER BY n.id"}},
      {"order",
       {"SELECT CAST(o.id AS TEXT) FROM supervision_orders o JOIN units u ON u.id = o.unit_id WHERE u.path "
        "LIKE ':P%' ORDER BY o.id"}},
      {"attachment",
       {"SELECT CAST(a.id AS TEXT) FROM attachments a JOIN supervision_order_steps s ON s.id = a.owner_id JOIN "
        "supervision_orders o ON o.id = s.order_id JOIN units u ON u.id = o.unit_id WHERE a.owner_type = "
        "'supervision_order_step' AND u.path LIKE ':P%' ORDER BY a.id"}},
      {"case_review",
       {"SELECT CAST(r.case_id AS TEXT), CAST(r.id AS TEXT) FROM case_reviews r JOIN cases c ON c.id = r.case_id "
        "JOIN units u ON u.id = c.unit_id WHERE u.path LIKE ':P%' ORDER BY r.id"}},
      {"plan",
       {"SELECT CAST(p.id AS TEXT) FROM inspection_plans p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY p.id"}},
      {"task",
       {"SELECT CAST(t.id AS TEXT) FROM inspection_tasks t JOIN units u ON u.id = t.target_unit_id JOIN units v "
        "ON v.id = t.inspector_unit_id WHERE u.path LIKE ':P%' AND v.path LIKE ':P%' ORDER BY t.id"}},
      {"task_result",
       {"SELECT CAST(t.id AS TEXT), CAST(r.id AS TEXT) FROM inspection_results r JOIN inspection_tasks t ON t.id "
        "= r.task_id JOIN units u ON u.id = t.target_unit_id JOIN units v ON v.id = t.inspector_unit_id WHERE "
        "u.path LIKE ':P%' AND v.path LIKE ':P%' ORDER BY r.id"}},
      {"inspection_file",
       {"SELECT CAST(a.id AS TEXT) FROM attachments a JOIN inspection_results r ON r.id = a.owner_id JOIN "
        "inspection_tasks t ON t.id = r.task_id JOIN units u ON u.id = t.target_unit_id WHERE a.owner_type = "
        "'inspection_result' AND u.path LIKE ':P%' ORDER BY a.id"}},
      {"finding",
       {"SELECT CAST(f.id AS TEXT) FROM inspection_findings f JOIN units u ON u.id = f.unit_id WHERE u.path "
        "LIKE ':P%' ORDER BY f.id"}},
      {"ticket",
       {"SELECT CAST(t.id AS TEXT) FROM intake_tickets t JOIN units u ON u.id = t.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY t.id"}},
      {"intake_file",
       {"SELECT CAST(a.id AS TEXT) FROM attachments a JOIN intake_evidence e ON e.id = a.owner_id JOIN "
        "intake_tickets t ON t.id = e.ticket_id JOIN units u ON u.id = t.unit_id WHERE a.owner_type = "
        "'intake_evidence' AND u.path LIKE ':P%' ORDER BY a.id"}},
      // The hall's roster: the demo's hall is 城区分局 itself, above both 派出所.
      {"shift", {"SELECT CAST(id AS TEXT) FROM intake_duty_shifts ORDER BY id DESC", true}},
      {"rubric", {"SELECT CAST(id AS TEXT) FROM eval_rubrics ORDER BY id", true}},
      // The demo's evaluation round is organised by 法制大队, above neither 派出所.
      {"eval_round", {"SELECT CAST(id AS TEXT) FROM eval_rounds ORDER BY id", true}},
      {"eval_case", {"SELECT CAST(id AS TEXT) FROM eval_round_cases ORDER BY id", true}},
      {"pub_duty",
       {"SELECT CAST(d.id AS TEXT) FROM pub_duties d JOIN units u ON u.id = d.unit_id WHERE u.path LIKE ':P%' ORDER "
        "BY d.id"}},
      {"pub_cycle",
       {"SELECT CAST(c.id AS TEXT) FROM pub_cycle_items c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY c.id"}},
      {"pub_event",
       {"SELECT CAST(e.id AS TEXT) FROM pub_events e JOIN units u ON u.id = e.unit_id WHERE u.path LIKE ':P%' ORDER "
        "BY e.id"}},
      {"pub_file",
       {"SELECT CAST(a.id AS TEXT) FROM attachments a JOIN pub_events e ON e.id = a.owner_id JOIN units u ON u.id = "
        "e.unit_id WHERE a.owner_type IN ('publicity_material', 'publicity_photo') AND u.path LIKE ':P%' ORDER BY "
        "a.id"}},
      // 学法用法: the 派出所's own 会前学法 (the 法制大队's sessions are aimed at every unit), their photos and
      // plan items; the library and the 述法 reports are the bureau's.
      {"training_session",
       {"SELECT CAST(s.id AS TEXT) FROM training_sessions s JOIN units u ON u.id = s.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY s.id"}},
      {"training_file",
       {"SELECT CAST(a.id AS TEXT) FROM attachments a JOIN training_sessions s ON s.id = a.owner_id JOIN units u ON "
        "u.id = s.unit_id WHERE a.owner_type = 'training_photo' AND u.path LIKE ':P%' ORDER BY a.id"}},
      {"training_plan",
       {"SELECT CAST(p.id AS TEXT) FROM training_plan_items p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY p.id"}},
      {"training_material", {"SELECT CAST(id AS TEXT) FROM training_materials ORDER BY id", true}},
      {"law_report", {"SELECT CAST(id AS TEXT) FROM training_law_reports ORDER BY id", true}},
      {"objection",
       {"SELECT CAST(o.id AS TEXT) FROM score_objections o JOIN score_entries e ON e.id = o.entry_id JOIN units u "
        "ON u.id = e.unit_id WHERE u.path LIKE ':P%' ORDER BY o.id"}},
      {"patrol_checkin",
       {"SELECT CAST(c.id AS TEXT) FROM patrol_checkins c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY c.id"}},
      {"patrol_area",
       {"SELECT CAST(a.id AS TEXT) FROM patrol_areas a JOIN units u ON u.id = a.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY a.id"}},
      {"patrol_point",
       {"SELECT CAST(p.id AS TEXT) FROM patrol_points p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY p.id"}},
      {"patrol_team",
       {"SELECT CAST(t.id AS TEXT) FROM patrol_teams t JOIN units u ON u.id = t.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY t.id"}},
      {"patrol_call",
       {"SELECT CAST(c.id AS TEXT) FROM patrol_calls c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY c.id"}},
      {"patrol_dispute",
       {"SELECT CAST(d.id AS TEXT) FROM patrol_disputes d JOIN units u ON u.id = d.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY d.id"}},
      {"patrol_hazard",
       {"SELECT CAST(h.id AS TEXT) FROM patrol_hazards h JOIN units u ON u.id = h.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY h.id"}},
      {"bulletin", {"SELECT CAST(id AS TEXT) FROM bulletins ORDER BY id", true}},
      {"scheme", {"SELECT CAST(id AS TEXT) FROM score_schemes ORDER BY id", true}},
      {"catalog_version", {"SELECT CAST(version AS TEXT) FROM rule_catalog_versions ORDER BY version", true}},
      {"calendar_version", {"SELECT CAST(version AS TEXT) FROM calendar_versions ORDER BY version", true}},
      {"domain", {"SELECT DISTINCT domain FROM inspection_checklists ORDER BY domain", true}},
      {"month", {"SELECT '2023-07'", true}},
      // 平安志愿者 (src/volunteers): the demo's volunteers, tasks, attendance and clues per 派出所; clue
      // photos (none in the demo); the bureau's reward catalogue.
      {"volunteer",
       {"SELECT CAST(v.id AS TEXT) FROM volunteers v JOIN units u ON u.id = v.unit_id WHERE u.path LIKE ':P%' "
        "ORDER BY v.id"}},
      {"vtask",
       {"SELECT CAST(k.id AS TEXT) FROM volunteer_tasks k JOIN units u ON u.id = k.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY k.id"}},
      {"vattendance",
       {"SELECT CAST(s.id AS TEXT) FROM volunteer_assignments s JOIN volunteer_tasks k ON k.id = s.task_id JOIN "
        "units u ON u.id = k.unit_id WHERE u.path LIKE ':P%' ORDER BY s.id"}},
      {"vclue",
       {"SELECT CAST(c.id AS TEXT) FROM volunteer_clues c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE "
        "':P%' ORDER BY c.id"}},
      {"vfile",
       {"SELECT CAST(a.id AS TEXT) FROM attachments a JOIN volunteer_clues c ON c.id = a.owner_id JOIN units u ON "
        "u.id = c.unit_id WHERE a.owner_type = 'volunteer_clue' AND u.path LIKE ':P%' ORDER BY a.id"}},
      {"vreward", {"SELECT CAST(id AS TEXT) FROM volunteer_rewards ORDER BY id", true}},
      {"year", {"SELECT '2023'", true}},
      {"import_kind", {"SELECT 'cases'", true}},
      // 考试: the demo bank and exams belong to the bureau and are organised by 法制大队; an attempt or
      // an attempt's question of someone without an account (never the caller's own).
      {"exam_question", {"SELECT CAST(id AS TEXT) FROM exam_questions ORDER BY id", true}},
      {"exam", {"SELECT CAST(id AS TEXT) FROM exams ORDER BY id", true}},
      {"exam_attempt",
       {"SELECT CAST(t.id AS TEXT) FROM exam_attempts t WHERE NOT EXISTS (SELECT 1 FROM users x WHERE x.person_id = "
        "t.person_id) ORDER BY t.id",
        true}},
      {"exam_item",
       {"SELECT CAST(i.attempt_id AS TEXT), CAST(i.position AS TEXT) FROM exam_attempt_items i JOIN exam_attempts t "
        "ON t.id = i.attempt_id JOIN exam_questions q ON q.id = i.question_id WHERE q.kind = 'short' AND NOT EXISTS "
        "(SELECT 1 FROM users x WHERE x.person_id = t.person_id) ORDER BY i.attempt_id, i.position",
        true}},
  };
  return kKinds;
}

// One line of the data file.
struct Line {
  int number = 0;
  std::string method, path, kind;  // kind "-": no path parameter
  std::vector<std::string> cells;  // per caller: "A", or "AH" (in scope, out of scope)
  std::string body = "{}";         // for writes
  std::string known;               // known:<reason> — a deviation reported, not failed
  bool last = false;               // run after every other line (logout)
};

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Path parameter names of a pattern, in order.
std::vector<std::string> Params(const std::string& pattern) {
  std::vector<std::string> out;
  for (std::size_t i = pattern.find('{'); i != std::string::npos; i = pattern.find('{', i + 1))
    out.push_back(pattern.substr(i + 1, pattern.find('}', i) - i - 1));
  return out;
}

std::string Fill(const std::string& pattern, const std::vector<std::string>& values) {
  std::string out;
  std::size_t k = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      out += k < values.size() ? values[k++] : std::string(kNoSuchId);
      i = pattern.find('}', i);
    } else {
      out += pattern[i];
    }
  }
  return out;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_unique<ManualClock>(1767225600);  // 2026-01-01
    Config c;
    c.db_url = db_.url();
    c.key_file = db_.key_file();
    c.listen = "127.0.0.1:0";
    c.http_threads = 8;
    c.db_pool = 4;
    c.sweep_interval_seconds = 0;
    c.attachment_dir = (db_.dir() / "attachments").string();
    auto app = App::Create(c, clock_.get());
    ASSERT_TRUE(app) << app.error().message;
    app_ = std::move(*app);
    auto org = org::GenerateDemo(app_->db(), *clock_, app_->vault());
    ASSERT_TRUE(org) << org.error().message;
    auto cases = cases::GenerateCaseDemo(app_->db(), *clock_, app_->vault(), &app_->oversight(), 2023);
    ASSERT_TRUE(cases) << cases.error().message;
    auto inspections = inspections::GenerateInspectionDemo(app_->db(), *clock_, 2023);
    ASSERT_TRUE(inspections) << inspections.error().message;
    auto intake = intake::GenerateIntakeDemo(app_->db(), app_->vault(),
                                             app_->modules().Find<intake::IntakeModule>()->service(), 2023);
    ASSERT_TRUE(intake) << intake.error().message;
    auto evaluation = evaluation::GenerateEvaluationDemo(app_->db(), *clock_, 2023);
    ASSERT_TRUE(evaluation) << evaluation.error().message;
    auto publicity = publicity::GeneratePublicityDemo(app_->db(), 2023);
    ASSERT_TRUE(publicity) << publicity.error().message;
    auto lessons = training::GenerateTrainingDemo(app_->db(), *clock_, 2023);
    ASSERT_TRUE(lessons) << lessons.error().message;
    auto points = scoring::GenerateScoringDemo(app_->db(), *clock_, 2023, app_->scoring().sources());
    ASSERT_TRUE(points) << points.error().message;
    // The year's published 通报, so the bulletin routes have one to act on.
    auto bulletins = app_->modules().Find<bulletins::BulletinsModule>()->GenerateDemo(kit::DemoOptions{.year = 2023});
    ASSERT_TRUE(bulletins) << bulletins.error().message;
    auto exams = exams::GenerateExamsDemo(app_->db(), *clock_, 2023);
    ASSERT_TRUE(exams) << exams.error().message;
    auto patrol = patrol::GeneratePatrolDemo(app_->db(), *clock_, 2023);
    ASSERT_TRUE(patrol) << patrol.error().message;
    // Two weeks of the volunteers demo: volunteers, tasks, attendance and clues in both 派出所.
    auto volunteers = volunteers::GenerateVolunteerDemo(app_->db(), app_->vault(), 2023, 2);
    ASSERT_TRUE(volunteers) << volunteers.error().message;
    ASSERT_NO_FATAL_FAILURE(AddAccounts());
    auto port = app_->StartInBackground();
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
  }
  void TearDown() override {
    if (app_) app_->Stop();
  }

  // One account per caller (business roles linked to a person of their unit, so personal views such
  // as 我的积分 have someone to show), two victims for the account routes, and one notification each.
  void AddAccounts() {
    const std::string hash = auth::HashPassword(kPassword);
    auto done = app_->db().Write([&](soci::session& sql) -> Result<void> {
      std::vector<Caller> accounts(Callers().begin() + 1, Callers().end());
      accounts.push_back({"", "mx_victim_e", "case_officer", "东街派出所"});
      accounts.push_back({"", "mx_victim_w", "case_officer", "西街派出所"});
      std::map<std::string, int> used;  // people already linked, per unit
      const long long now = 1767225600;
      for (const auto& a : accounts) {
        long long unit = 0, bureau = 0;
        std::string path;
        soci::indicator bureau_ind = soci::i_ok;
        sql << "SELECT id, path, bureau_id FROM units WHERE name = :n", soci::use(a.unit), soci::into(unit),
            soci::into(path), soci::into(bureau, bureau_ind);
        if (unit == 0) return std::unexpected(Error{ErrorCode::kNotFound, "no unit " + a.unit});
        paths_[a.unit] = path;
        const bool business = !auth::FindRole(a.role)->separated_admin;
        long long person = 0;
        if (business) {
          const int skip = used[a.unit]++;
          // Someone no case, 督办 or inspection names, so that no object outside the unit becomes his
          // own; a unit without such a person leaves the account without one.
          soci::rowset<long long> rs =
              (sql.prepare << "SELECT id FROM people p WHERE unit_id = :u AND NOT EXISTS (SELECT 1 FROM "
                              "case_officers o WHERE o.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM cases c WHERE "
                              "c.legal_officer_id = p.id) AND NOT EXISTS (SELECT 1 FROM supervision_orders s WHERE "
                              "s.responsible_person_id = p.id) AND NOT EXISTS (SELECT 1 FROM inspection_tasks t "
                              "WHERE t.target_person_id = p.id) ORDER BY id",
               soci::use(unit));
          std::vector<long long> ids(rs.begin(), rs.end());
          if (!ids.empty()) person = ids[(skip + (ids.size() > 24 ? 10 : 0)) % ids.size()];
          persons_[a.username] = person;
        }
        long long id = 0;
        soci::indicator person_ind = person ? soci::i_ok : soci::i_null;
        sql << "INSERT INTO users (username, display_name, password_hash, unit_id, person_id, created_at, "
               "updated_at) VALUES (:u, :d, :h, :unit, :p, :t, :t2) RETURNING id",
            soci::use(a.username), soci::use(a.username), soci::use(hash), soci::use(unit),
            soci::use(person, person_ind), soci::use(now), soci::use(now), soci::into(id);
        sql << "INSERT INTO user_roles (user_id, role) VALUES (:u, :r)", soci::use(id), soci::use(a.role);
        user_ids_[a.username] = id;
        const long long b = bureau_ind == soci::i_ok && bureau ? bureau : unit;
        const std::string key = "matrix-" + a.username, title = "矩阵测试通知", kind = "review";
        sql << "INSERT INTO notifications (bureau_id, user_id, kind, title, dedup_key, created_at) VALUES "
               "(:b, :u, :k, :t, :d, :c)",
            soci::use(b), soci::use(id), soci::use(kind), soci::use(title), soci::use(key), soci::use(now);
      }
      // Objects the demo year lacks in both 派出所: a stage review of a case and a 复核申请 (objection)
      // of an officer, one in each.
      for (const std::string unit : {"东街派出所", "西街派出所"}) {
        const std::string path = paths_.at(unit), like = path + "%";
        const long long victim = user_ids_.at(unit == "东街派出所" ? "mx_victim_e" : "mx_victim_w");
        for (int k = 0; k < 4; ++k) {
          const std::string verdicts[] = {"pass", "fix_required"};
          const std::string verdict = verdicts[k % 2], comment = "矩阵测试审核";
          sql << "INSERT INTO case_reviews (bureau_id, case_id, stage, verdict, comment, reviewer_user_id, "
                 "created_at) SELECT c.bureau_id, c.id, 'accept', :v, :m, :u, :t FROM cases c JOIN units u ON u.id = "
                 "c.unit_id WHERE u.path LIKE :p ORDER BY c.id LIMIT 1 OFFSET :k",
              soci::use(verdict), soci::use(comment), soci::use(victim), soci::use(now), soci::use(like), soci::use(k);
          const std::string reason = "矩阵测试复核申请";
          sql << "INSERT INTO score_objections (bureau_id, month, entry_id, person_id, user_id, reason, status, "
                 "created_at) SELECT e.bureau_id, e.month, e.id, e.person_id, :u, :r, 'pending', :t FROM "
                 "score_entries e JOIN units u ON u.id = e.unit_id WHERE u.path LIKE :p ORDER BY e.id LIMIT 1 "
                 "OFFSET :k",
              soci::use(victim), soci::use(reason), soci::use(now), soci::use(like), soci::use(k);
        }
      }
      return {};
    });
    ASSERT_TRUE(done) << done.error().message;
  }

  // Rows of text for `kind` under the unit path, the caller being `me`.
  std::vector<std::vector<std::string>> Objects(const std::string& kind, const std::string& path, long long me) {
    std::string sql_text = Kinds().at(kind).sql;
    for (std::size_t i; (i = sql_text.find(":EAST")) != std::string::npos;) sql_text.replace(i, 5, east_);
    for (std::size_t i; (i = sql_text.find(":P")) != std::string::npos;) sql_text.replace(i, 2, path);
    for (std::size_t i; (i = sql_text.find(":ME")) != std::string::npos;) sql_text.replace(i, 3, std::to_string(me));
    return app_->db().Read([&](soci::session& sql) {
      std::vector<std::vector<std::string>> out;
      soci::rowset<soci::row> rs = sql.prepare << sql_text;
      for (const auto& row : rs) {
        std::vector<std::string> values;
        for (std::size_t c = 0; c < row.size(); ++c) values.push_back(row.get<std::string>(c));
        out.push_back(std::move(values));
        if (out.size() >= 64) break;
      }
      return out;
    });
  }

  std::vector<Line> ReadLines(std::vector<std::string>& errors) {
    std::vector<Line> lines;
    std::ifstream in(std::string(FAZHI_SOURCE_DIR) + "/tests/http/access_matrix.tsv");
    if (!in) {
      errors.push_back("cannot read tests/http/access_matrix.tsv");
      return lines;
    }
    int number = 0;
    for (std::string raw; std::getline(in, raw);) {
      ++number;
      const std::string text = Trim(raw);
      if (text.empty() || text[0] == '#') continue;
      Line l;
      l.number = number;
      // Options after the cells: body=<json up to the next " known:" or the end>, known:<reason>, last.
      std::string head = text;
      if (auto k = head.find(" known:"); k != std::string::npos) {
        l.known = Trim(head.substr(k + 7));
        head = head.substr(0, k);
      }
      if (auto b = head.find(" body="); b != std::string::npos) {
        l.body = Trim(head.substr(b + 6));
        head = head.substr(0, b);
      }
      auto words = Split(head);
      if (!words.empty() && words.back() == "last") {
        l.last = true;
        words.pop_back();
      }
      if (words.size() != 3 + Callers().size()) {
        errors.push_back(fmt::format("access_matrix.tsv:{}: {} fields, want method, path, object and {} cells", number,
                                     words.size(), Callers().size()));
        continue;
      }
      l.method = words[0];
      l.path = words[1];
      l.kind = words[2];
      l.cells.assign(words.begin() + 3, words.end());
      lines.push_back(std::move(l));
    }
    return lines;
  }

  Response Call(Client& c, const std::string& method, const std::string& path, const std::string& body) {
    if (method == "GET") return c.Get(path);
    if (method == "POST") return c.Post(path, body);
    if (method == "DELETE") return c.Delete(path);
    return c.Wrap(c.raw().Put(path, c.Headers(true), body, "application/json"));
  }

  TestDb db_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<App> app_;
  std::map<std::string, std::string> paths_;  // unit name → path
  std::map<std::string, long long> user_ids_;
  std::string east_;                          // 东街派出所's path
  std::map<std::string, long long> persons_;  // account → linked person (0: none)
  int port_ = 0;
};

bool Matches(char cls, int status) {
  switch (cls) {
    case 'A': return status != 401 && status != 403 && status != 404 && status != 405 && status < 500;
    case 'D': return status == 403;
    case 'N': return status == 404;
    case 'U': return status == 401;
    default: return false;
  }
}

TEST_F(AccessMatrixTest, EveryRouteRoleAndScopeAnswersAsTheModelSays) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> errors;
  std::vector<Line> lines = ReadLines(errors);
  for (const auto& e : errors) ADD_FAILURE() << e;

  // The route table and the data file must name the same routes.
  std::set<std::pair<std::string, std::string>> registered, listed;
  for (const auto& r : app_->router().Routes()) registered.insert({http::MethodName(r.method), r.pattern});
  for (const auto& l : lines) {
    if (!listed.insert({l.method, l.path}).second)
      ADD_FAILURE() << "access_matrix.tsv:" << l.number << ": " << l.method << " " << l.path << " listed twice";
    if (!registered.contains({l.method, l.path}))
      ADD_FAILURE() << "access_matrix.tsv:" << l.number << ": " << l.method << " " << l.path
                    << " is not a route of the server any more: remove the line";
    if (l.kind != "-" && !Kinds().contains(l.kind))
      ADD_FAILURE() << "access_matrix.tsv:" << l.number << ": unknown object kind " << l.kind;
    if ((l.kind == "-") != Params(l.path).empty())
      ADD_FAILURE() << "access_matrix.tsv:" << l.number << ": object kind " << l.kind << " does not fit " << l.path;
  }
  for (const auto& [method, path] : registered)
    if (!listed.contains({method, path}))
      ADD_FAILURE() << "route " << method << " " << path
                    << " has no line in tests/http/access_matrix.tsv: add one (see docs/architecture.md §权限矩阵)";
  std::stable_partition(lines.begin(), lines.end(), [](const Line& l) { return !l.last; });

  const std::string east = paths_.at("东街派出所"), west = paths_.at("西街派出所");
  east_ = east;
  for (const auto& l : lines)
    for (std::size_t ci = 0; ci < l.cells.size() && ci < Callers().size(); ++ci) {
      const bool two = l.kind != "-" && !Kinds().at(l.kind).global;
      const std::string& cell = l.cells[ci];
      if (cell.size() != (two ? 2u : 1u) || cell.find_first_not_of("ADNUH") != std::string::npos ||
          (l.kind == "-" && cell == "H"))
        ADD_FAILURE() << "access_matrix.tsv:" << l.number << ": cell " << cell << " for " << Callers()[ci].column
                      << (two ? " needs two letters (in scope, out of scope)"
                              : " needs one letter, H only with an object");
    }
  if (::testing::Test::HasFailure()) return;

  // What one caller met on one line.
  struct Outcome {
    std::vector<std::string> msgs;
    std::map<char, int> per_class;
    int calls = 0, hide_404 = 0, hide_other = 0, no_object = 0, csrf = 0;
    std::set<std::string> missing;  // object kinds the demo lacks
  };
  std::vector<std::vector<Outcome>> outcomes(lines.size(), std::vector<Outcome>(Callers().size()));

  // Each caller walks the whole file in order with its own session; callers run side by side. Every
  // state a call may change belongs to one caller (objects are picked by the caller's index), so the
  // answers do not depend on how the callers interleave.
  auto walk = [&](std::size_t ci) {
    const Caller& who = Callers()[ci];
    Client c(port_);
    if (!who.username.empty()) {
      auto login = c.Login(who.username, kPassword);
      if (login.status != 200) {
        ADD_FAILURE() << who.username << " cannot sign in: " << login.status << " " << login.body;
        return;
      }
    }
    const long long me = who.username.empty() ? 0 : user_ids_.at(who.username);
    for (std::size_t li = 0; li < lines.size(); ++li) {
      const Line& l = lines[li];
      Outcome& out = outcomes[li][ci];
      const char* cell = l.cells[ci].c_str();
      const bool two = l.kind != "-" && !Kinds().at(l.kind).global;
      auto check = [&](char cls, const std::string& url, const std::string& variant, const Response* nonexistent) {
        const Response res = Call(c, l.method, url, l.body);
        ++out.calls;
        out.per_class[cls]++;
        bool ok = false;
        if (cls == 'H') {
          ok = nonexistent && res.status == nonexistent->status && res.Code() == nonexistent->Code() &&
               res.status >= 400 && res.status != 401 && res.status != 403 && res.status < 500;
          if (ok) ++(res.status == 404 ? out.hide_404 : out.hide_other);
        } else {
          ok = Matches(cls, res.status);
        }
        if (res.status >= 500) ok = false;
        if (!ok)
          out.msgs.push_back(fmt::format(
              "{} {} as {} ({}): want {}, got {} {}{}", l.method, url, who.column, variant, cls, res.status, res.Code(),
              nonexistent ? fmt::format(" (nonexistent id: {} {})", nonexistent->status, nonexistent->Code())
                          : std::string()));
      };
      // Every write that needs a session also refuses a signed-in caller without the CSRF token,
      // before anything else.
      if (ci == 1 && l.method != "GET" && l.cells[0][0] == 'U') {
        const std::string url = Fill(l.path, {});
        httplib::Headers h = c.Headers(false);
        const Response res = l.method == "DELETE" ? c.Wrap(c.raw().Delete(url, h))
                             : l.method == "PUT"  ? c.Wrap(c.raw().Put(url, h, l.body, "application/json"))
                                                  : c.Wrap(c.raw().Post(url, h, l.body, "application/json"));
        ++out.calls;
        ++out.csrf;
        if (res.status != 403 || res.Code() != "csrf_missing")
          out.msgs.push_back(fmt::format("{} {} as {} without the CSRF token: want 403 csrf_missing, got {} {}",
                                         l.method, url, who.column, res.status, res.Code()));
      }
      if (l.kind == "-") {
        check(cell[0], l.path, "no object", nullptr);
        continue;
      }
      // Object ids: the caller's index picks among the candidates, so a delete meets a fresh object.
      auto pick = [&](const std::string& path) -> std::optional<std::vector<std::string>> {
        if (me == 0) return std::vector<std::string>{};  // no session: any id answers 401
        auto rows = Objects(l.kind, path, me);
        if (rows.empty()) return std::nullopt;
        return rows[ci % rows.size()];
      };
      // The answer for a nonexistent id, which a hidden object must give too.
      std::optional<Response> nonexistent;
      if (me != 0) {
        ++out.calls;
        nonexistent = Call(c, l.method, Fill(l.path, {}), l.body);
      }
      for (int variant = 0; variant < (two ? 2 : 1); ++variant) {
        const std::string name = variant == 0 ? "in scope" : "out of scope";
        const auto obj = pick(variant == 0 ? east : west);
        if (!obj) {
          // The demo has no such object (attachments, import jobs): a refusal is still checked with
          // a nonexistent id; an allowed or hidden answer cannot be, and is counted as not covered.
          if (cell[variant] == 'D' || cell[variant] == 'U') {
            check(cell[variant], Fill(l.path, {}), name + ", nonexistent id", nullptr);
          } else {
            ++out.no_object;
            out.missing.insert(l.kind);
          }
          continue;
        }
        check(cell[variant], Fill(l.path, *obj), name, nonexistent ? &*nonexistent : nullptr);
      }
    }
  };
  {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t)
      workers.emplace_back([&] {
        for (std::size_t ci; (ci = next++) < Callers().size();) walk(ci);
      });
    for (auto& w : workers) w.join();
  }

  std::map<char, int> per_class;
  int calls = 0, cells = 0, hide_404 = 0, hide_other = 0, no_object = 0, known_hits = 0, csrf = 0;
  std::vector<std::string> known_seen;
  std::set<std::string> missing;
  for (std::size_t li = 0; li < lines.size(); ++li) {
    const Line& l = lines[li];
    std::vector<std::string> msgs;
    for (const Outcome& o : outcomes[li]) {
      msgs.insert(msgs.end(), o.msgs.begin(), o.msgs.end());
      for (const auto& [k, n] : o.per_class) {
        per_class[k] += n;
        cells += n;
      }
      calls += o.calls;
      hide_404 += o.hide_404;
      hide_other += o.hide_other;
      no_object += o.no_object;
      csrf += o.csrf;
      missing.insert(o.missing.begin(), o.missing.end());
    }
    if (!l.known.empty()) {
      known_seen.push_back(fmt::format("{} {}: {}", l.method, l.path, l.known));
      if (!msgs.empty()) {
        ++known_hits;
        for (const auto& m : msgs) std::cout << "[ KNOWN    ] " << m << std::endl;
      } else {
        ADD_FAILURE() << "access_matrix.tsv:" << l.number << ": " << l.method << " " << l.path
                      << " now answers as the model says: remove its known: mark";
      }
    } else {
      for (const auto& m : msgs) ADD_FAILURE() << "access_matrix.tsv:" << l.number << ": " << m;
    }
  }

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format(
                   "access matrix: {} routes × {} callers; {} checked cells, {} HTTP calls (with the "
                   "nonexistent-id calls) in {:.1f} s",
                   lines.size(), Callers().size(), cells, calls, seconds)
            << std::endl;
  std::cout << fmt::format(
                   "  per class: A {} · D {} · N {} · U {} · H {} (404: {}, same other 4xx as a nonexistent id: {})",
                   per_class['A'], per_class['D'], per_class['N'], per_class['U'], per_class['H'], hide_404, hide_other)
            << std::endl;
  std::cout << fmt::format("  writes refused without the CSRF token: {}", csrf) << std::endl;
  std::string kinds;
  for (const auto& k : missing) kinds += " " + k;
  std::cout << fmt::format("  known deviations: {} lines ({} still differ); cells without an object to try: {} ({})",
                           known_seen.size(), known_hits, no_object, Trim(kinds))
            << std::endl;
  for (const auto& k : known_seen) std::cout << "  known: " << k << std::endl;
}

}  // namespace
}  // namespace fazhi::testing
