// 督办 loop (supervision orders): problem → responsible officer → 整改 with attachments → 法制员
// check → closed / returned / 挂起 → resumed. The state machine is the table kTransitions; every
// step is a supervision_order_steps row and an audit entry in the same transaction.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/local_time.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

using detail::Args;
using detail::ForEachRow;

namespace {

struct TransitionDef {
  const char* action;
  std::vector<std::string> from;
  const char* to;  // nullptr = back to status_before_suspend
  const char* name_zh;
};

// The 督办 state machine. `answer` is the responsible officer's; the rest need case.review.
const std::vector<TransitionDef> kTransitions = {
    {"answer", {"open", "returned"}, "answered", "反馈整改"},
    {"close", {"answered"}, "closed", "审核办结"},
    {"return", {"answered"}, "returned", "退回重新整改"},
    {"suspend", {"open", "returned", "answered"}, "suspended", "挂起"},
    {"resume", {"suspended"}, nullptr, "恢复"},
};

const TransitionDef* FindTransition(std::string_view action) {
  for (const auto& t : kTransitions)
    if (t.action == action) return &t;
  return nullptr;
}

constexpr const char* kOrderSelect =
    "SELECT o.id, o.case_id, c.title, o.unit_id, u.name, u.path, o.source, o.source_id, o.problem_type, o.opinion, "
    "o.responsible_person_id, COALESCE(p.name, ''), o.deadline, o.status, o.suspend_reason, o.created_by, o.created_at, "
    "o.answered_at, o.closed_at, o.updated_at "
    "FROM supervision_orders o JOIN cases c ON c.id = o.case_id JOIN units u ON u.id = o.unit_id "
    "LEFT JOIN people p ON p.id = o.responsible_person_id";

Order OrderFrom(const soci::row& r, EpochSeconds now) {
  Order o;
  o.id = db::GetInt64(r, 0);
  o.case_id = db::GetInt64(r, 1);
  o.case_title = db::GetText(r, 2);
  o.unit_id = db::GetInt64(r, 3);
  o.unit_name = db::GetText(r, 4);
  o.unit_path = db::GetText(r, 5);
  o.source = db::GetText(r, 6);
  o.source_id = detail::OptInt(r, 7);
  o.problem_type = db::GetText(r, 8);
  o.opinion = db::GetText(r, 9);
  o.responsible_person_id = detail::OptInt(r, 10);
  o.responsible_name = db::GetText(r, 11);
  o.deadline = db::GetInt64(r, 12);
  o.status = db::GetText(r, 13);
  o.suspend_reason = db::GetText(r, 14);
  o.created_by = detail::OptInt(r, 15);
  o.created_at = db::GetInt64(r, 16);
  o.answered_at = detail::OptInt(r, 17);
  o.closed_at = detail::OptInt(r, 18);
  o.updated_at = db::GetInt64(r, 19);
  o.overdue = (o.status == "open" || o.status == "returned") && o.deadline < now;
  return o;
}

bool IsResponsible(const auth::Principal& who, const Order& o) {
  return who.person_id && o.responsible_person_id && *who.person_id == *o.responsible_person_id;
}

bool CanSee(const auth::Principal& who, const Order& o) { return who.InScope(o.unit_path) || IsResponsible(who, o); }

// Keeps the last path component, drops control characters, caps the length.
std::string CleanFilename(std::string name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  std::string out;
  for (char ch : name)
    if (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f && ch != '"') out += ch;
  if (!IsValidUtf8(out) || out.empty()) out = "附件";
  if (out.size() > 200) out = out.substr(out.size() - 200);
  if (!IsValidUtf8(out)) out = "附件";
  return out;
}

std::string ValidText(const std::string& s, std::size_t max_chars) {
  std::string t = Trim(s);
  if (!IsValidUtf8(t) || Utf8Length(t) > static_cast<std::ptrdiff_t>(max_chars)) return {};
  return t;
}

}  // namespace

Result<Order> OversightService::LoadOrder(soci::session& sql, std::int64_t id, bool with_steps) const {
  const EpochSeconds now = clock_.Now();
  std::optional<Order> out;
  {
    Args a;
    ForEachRow(sql, fmt::format("{} WHERE o.id = {}", kOrderSelect, a.Int(id)), a,
               [&](const soci::row& r) { out = OrderFrom(r, now); });
  }
  if (!out) return NotFound("督办单不存在或不在您的管辖范围内");
  if (with_steps) {
    Args a;
    ForEachRow(sql,
               fmt::format("SELECT s.id, s.action, s.note, s.actor_user_id, COALESCE(u.display_name, ''), s.at FROM "
                           "supervision_order_steps s LEFT JOIN users u ON u.id = s.actor_user_id WHERE s.order_id = {} "
                           "ORDER BY s.id",
                           a.Int(id)),
               a, [&](const soci::row& r) {
                 OrderStep s;
                 s.id = db::GetInt64(r, 0);
                 s.action = db::GetText(r, 1);
                 s.note = db::GetText(r, 2);
                 s.actor_user_id = detail::OptInt(r, 3);
                 s.actor_name = db::GetText(r, 4);
                 s.at = db::GetInt64(r, 5);
                 out->steps.push_back(std::move(s));
               });
    Args b;
    ForEachRow(sql,
               fmt::format("SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at, "
                           "a.owner_id FROM attachments a JOIN supervision_order_steps s ON s.id = a.owner_id "
                           "WHERE a.owner_type = 'supervision_order_step' AND s.order_id = {} ORDER BY a.id",
                           b.Int(id)),
               b, [&](const soci::row& r) {
                 Attachment at;
                 at.id = db::GetInt64(r, 0);
                 at.filename = db::GetText(r, 1);
                 at.content_type = db::GetText(r, 2);
                 at.size = db::GetInt64(r, 3);
                 at.sha256 = db::GetText(r, 4);
                 at.uploaded_by = detail::OptInt(r, 5);
                 at.uploaded_at = db::GetInt64(r, 6);
                 const std::int64_t step = db::GetInt64(r, 7);
                 for (auto& s : out->steps)
                   if (s.id == step) s.attachments.push_back(at);
               });
  }
  return *out;
}

Result<Order> OversightService::CreateOrder(const auth::Principal& who, const audit::Actor& actor, const NewOrder& in) {
  if (!who.Has(auth::perm::kCaseReview)) return Forbidden("只有法制员或领导可以发起督办");
  const std::string opinion = ValidText(in.opinion, 2000);
  if (opinion.empty()) return Invalid("请填写整改意见（不超过 2000 字）", "opinion");
  const EpochSeconds now = clock_.Now();
  if (in.deadline <= now) return Invalid("整改期限必须晚于当前时间", "deadline");
  if (in.source != "violation" && in.source != "review" && in.source != "manual")
    return Invalid("督办来源应为 violation、review 或 manual", "source");
  if (in.source != "manual" && !in.source_id) return Invalid("请指明来源的违规记录或审核问题编号", "source_id");
  std::string problem = ValidText(in.problem_type, 32);
  if (!in.problem_type.empty() && problem.empty()) return Invalid("问题类型不能超过 32 字", "problem_type");

  return db_.Write([&](soci::session& sql) -> Result<Order> {
    std::int64_t case_id = 0;
    std::optional<std::int64_t> person = in.responsible_person_id;
    if (in.source == "violation") {
      std::optional<std::int64_t> officer;
      std::string kind;
      Args a;
      bool found = false;
      ForEachRow(sql, fmt::format("SELECT case_id, officer_id, kind FROM violations WHERE id = {}", a.Int(*in.source_id)),
                 a, [&](const soci::row& r) {
                   found = true;
                   case_id = db::GetInt64(r, 0);
                   officer = detail::OptInt(r, 1);
                   kind = db::GetText(r, 2);
                 });
      if (!found) return NotFound("违规记录不存在");
      if (!person) person = officer;
      if (problem.empty()) problem = kind == "missing" ? "程序" : "超期";
    } else if (in.source == "review") {
      std::string category;
      Args a;
      bool found = false;
      ForEachRow(sql, fmt::format("SELECT case_id, category FROM review_findings WHERE id = {}", a.Int(*in.source_id)),
                 a, [&](const soci::row& r) {
                   found = true;
                   case_id = db::GetInt64(r, 0);
                   category = db::GetText(r, 1);
                 });
      if (!found) return NotFound("审核问题不存在");
      if (problem.empty()) problem = detail::CategoryZh(category);
    } else {
      if (!in.case_id) return Invalid("手工督办须指明案件", "case_id");
      case_id = *in.case_id;
      if (problem.empty()) return Invalid("请填写问题类型", "problem_type");
    }
    auto c = detail::LoadCaseInScope(sql, who, case_id);
    if (!c) return std::unexpected(c.error());
    if (!person) person = c->lead_officer_id;
    if (!person) return Invalid("请指定责任民警", "responsible_person_id");
    {
      long long pid = *person, active = 0;
      sql << "SELECT COUNT(*) FROM people WHERE id = :p AND active = 1", soci::use(pid), soci::into(active);
      if (active == 0) return Invalid("责任民警不存在或已停用", "responsible_person_id");
    }
    if (in.source != "manual") {
      long long sid = *in.source_id, existing = 0;
      soci::indicator ind = soci::i_null;
      const std::string& src = in.source;
      sql << "SELECT MIN(id) FROM supervision_orders WHERE source = :s AND source_id = :i AND status <> 'closed'",
          soci::use(src), soci::use(sid), soci::into(existing, ind);
      if (ind == soci::i_ok) return Conflict(fmt::format("该问题已有未办结的督办单（编号 {}）", existing), "duplicate_order");
    }
    long long bureau = c->bureau_id, cid = case_id, unit = c->unit_id, pid = *person, dl = in.deadline, t = now,
              by = who.user_id, id = 0;
    db::NullableInt sid(in.source_id);
    const std::string& source = in.source;
    sql << "INSERT INTO supervision_orders (bureau_id, case_id, unit_id, source, source_id, problem_type, opinion, "
           "responsible_person_id, deadline, status, created_by, created_at, updated_at) VALUES (:b, :c, :u, :s, :si, "
           ":pt, :op, :p, :d, 'open', :by, :t, :t2) RETURNING id",
        soci::use(bureau), soci::use(cid), soci::use(unit), soci::use(source), soci::use(sid.value, sid.ind),
        soci::use(problem), soci::use(opinion), soci::use(pid), soci::use(dl), soci::use(by), soci::use(t),
        soci::use(t), soci::into(id);
    sql << "INSERT INTO supervision_order_steps (bureau_id, order_id, action, note, actor_user_id, at) VALUES (:b, :o, "
           "'create', :n, :u, :t)",
        soci::use(bureau), soci::use(id), soci::use(opinion), soci::use(by), soci::use(t);
    audit::Append(sql, clock_, actor,
                  {"supervision_order.create", "supervision_order", std::to_string(id),
                   fmt::format("发起督办：{}（案件 {}），整改期限 {}", problem, c->title, FormatLocalDateTime(dl)),
                   {{"after",
                     {{"status", "open"},
                      {"case_id", case_id},
                      {"source", source},
                      {"source_id", in.source_id ? nlohmann::json(*in.source_id) : nlohmann::json()},
                      {"problem_type", problem},
                      {"responsible_person_id", pid},
                      {"deadline", dl}}}}});
    const std::string title = fmt::format("督办：{}", problem);
    const std::string body =
        fmt::format("案件：{}\n整改意见：{}\n整改期限：{}", c->title, opinion, FormatLocalDateTime(dl));
    const std::string dedup = fmt::format("order:{}:created", id);
    for (std::int64_t u : detail::UsersOfPerson(sql, pid))
      detail::Notify(sql, c->bureau_id, u, case_id, "supervision_order", title, body, dedup, now);
    return LoadOrder(sql, id, true);
  });
}

Result<Order> OversightService::GetOrder(const auth::Principal& who, std::int64_t id) const {
  try {
    return db_.Read([&](soci::session& sql) -> Result<Order> {
      auto o = LoadOrder(sql, id, true);
      if (!o || !CanSee(who, *o)) return NotFound("督办单不存在或不在您的管辖范围内");
      return o;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<Paged<Order>> OversightService::ListOrders(const auth::Principal& who, const OrderFilter& f,
                                                  const PageRequest& page) const {
  static const std::vector<std::string> kStatuses = {"open", "answered", "closed", "returned", "suspended"};
  if (f.status && std::find(kStatuses.begin(), kStatuses.end(), *f.status) == kStatuses.end())
    return Invalid("状态应为 open、answered、closed、returned 或 suspended", "status");
  const EpochSeconds now = clock_.Now();
  try {
    return db_.Read([&](soci::session& sql) -> Result<Paged<Order>> {
      Args a;
      std::string w = fmt::format(" WHERE ({}", db::PathUnder(a, "u.path", who.unit_path));
      if (who.person_id) w += fmt::format(" OR o.responsible_person_id = {}", a.Int(*who.person_id));
      w += ")";
      if (f.mine) w += fmt::format(" AND o.responsible_person_id = {}", a.Int(who.person_id.value_or(-1)));
      if (f.status) w += fmt::format(" AND o.status = {}", a.Str(*f.status));
      if (f.unit_id) {
        auto path = detail::UnitPathInScope(sql, who, *f.unit_id);
        if (!path) return std::unexpected(path.error());
        w += fmt::format(" AND {}", db::PathUnder(a, "u.path", *path));
      }
      if (f.person_id) w += fmt::format(" AND o.responsible_person_id = {}", a.Int(*f.person_id));
      if (f.case_id) w += fmt::format(" AND o.case_id = {}", a.Int(*f.case_id));
      if (f.overdue_only) w += fmt::format(" AND o.status IN ('open', 'returned') AND o.deadline < {}", a.Int(now));
      Paged<Order> out;
      out.total = detail::QueryInt(
          sql, "SELECT COUNT(*) FROM supervision_orders o JOIN units u ON u.id = o.unit_id" + w, a);
      std::string order = "o.deadline";
      if (page.sort == "created_at") order = "o.created_at";
      if (page.sort == "updated_at") order = "o.updated_at";
      const std::string dir = page.descending ? "DESC" : "ASC";
      ForEachRow(sql,
                 fmt::format("{}{} ORDER BY {} {}, o.id {} LIMIT {} OFFSET {}", kOrderSelect, w, order, dir, dir,
                             a.Int(page.page_size), a.Int(page.Offset())),
                 a, [&](const soci::row& r) { out.items.push_back(OrderFrom(r, now)); });
      return out;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<Order> OversightService::Transition(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                           const std::string& action, const std::string& note_in,
                                           std::optional<EpochSeconds> new_deadline) {
  const TransitionDef* def = FindTransition(action);
  if (!def) return Invalid("未知的督办操作", "action");
  const std::string note = ValidText(note_in, 2000);
  if (!note_in.empty() && note.empty() && !Trim(note_in).empty())
    return Invalid("说明不能超过 2000 字", action == "suspend" ? "reason" : "note");
  if (action == "return" && note.empty()) return Invalid("退回须写明理由", "note");
  if (action == "suspend" && note.empty()) return Invalid("挂起须写明原因", "reason");
  const EpochSeconds now = clock_.Now();
  if (new_deadline && *new_deadline <= now) return Invalid("新的整改期限必须晚于当前时间", "deadline");
  if (!who.Has(auth::perm::kCaseReview)) return Forbidden("只有法制员或领导可以审核、退回、挂起或恢复督办");

  return db_.Write([&](soci::session& sql) -> Result<Order> {
    auto o = LoadOrder(sql, id, false);
    if (!o || !who.InScope(o->unit_path)) return NotFound("督办单不存在或不在您的管辖范围内");
    if (std::find(def->from.begin(), def->from.end(), o->status) == def->from.end())
      return Conflict(fmt::format("督办单当前状态为“{}”，不能执行“{}”", detail::OrderStatusZh(o->status), def->name_zh),
                      "invalid_transition");
    std::string to = def->to ? def->to : "";
    long long oid = id, t = now, by = who.user_id, bureau = 0;
    sql << "SELECT bureau_id FROM supervision_orders WHERE id = :id", soci::use(oid), soci::into(bureau);
    if (action == "resume") {
      std::string before;
      soci::indicator ind = soci::i_null;
      sql << "SELECT status_before_suspend FROM supervision_orders WHERE id = :id", soci::use(oid),
          soci::into(before, ind);
      to = ind == soci::i_ok && !before.empty() ? before : "open";
      sql << "UPDATE supervision_orders SET status = :s, status_before_suspend = NULL, suspend_reason = '', "
             "updated_at = :t WHERE id = :id",
          soci::use(to), soci::use(t), soci::use(oid);
    } else if (action == "suspend") {
      sql << "UPDATE supervision_orders SET status = 'suspended', status_before_suspend = :b, suspend_reason = :r, "
             "updated_at = :t WHERE id = :id",
          soci::use(o->status), soci::use(note), soci::use(t), soci::use(oid);
    } else if (action == "close") {
      sql << "UPDATE supervision_orders SET status = 'closed', closed_at = :t, updated_at = :t2 WHERE id = :id",
          soci::use(t), soci::use(t), soci::use(oid);
    } else if (action == "return") {
      long long dl = new_deadline.value_or(o->deadline);
      sql << "UPDATE supervision_orders SET status = 'returned', deadline = :d, updated_at = :t WHERE id = :id",
          soci::use(dl), soci::use(t), soci::use(oid);
    }
    const std::string& act = action;
    sql << "INSERT INTO supervision_order_steps (bureau_id, order_id, action, note, actor_user_id, at) VALUES (:b, :o, "
           ":a, :n, :u, :t)",
        soci::use(bureau), soci::use(oid), soci::use(act), soci::use(note), soci::use(by), soci::use(t);
    nlohmann::json after = {{"status", to}};
    if (action == "return" && new_deadline) after["deadline"] = *new_deadline;
    audit::Append(sql, clock_, actor,
                  {"supervision_order." + action, "supervision_order", std::to_string(id),
                   fmt::format("督办单 {}：{}（{} → {}）{}", id, def->name_zh, detail::OrderStatusZh(o->status),
                               detail::OrderStatusZh(to), note.empty() ? "" : "，" + note),
                   {{"before", {{"status", o->status}, {"deadline", o->deadline}}}, {"after", after}, {"note", note}}});
    if (action == "return" && o->responsible_person_id) {
      const std::string title = "督办退回：请重新整改";
      const std::string body = fmt::format("案件：{}\n退回理由：{}", o->case_title, note);
      const std::string dedup = fmt::format("order:{}:return:{}", id, now);
      for (std::int64_t u : detail::UsersOfPerson(sql, *o->responsible_person_id))
        detail::Notify(sql, bureau, u, o->case_id, "supervision_order", title, body, dedup, now);
    }
    return LoadOrder(sql, id, true);
  });
}

Result<Order> OversightService::CloseOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                           const std::string& note) {
  return Transition(who, actor, id, "close", note, std::nullopt);
}
Result<Order> OversightService::ReturnOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                            const std::string& note, std::optional<EpochSeconds> new_deadline) {
  return Transition(who, actor, id, "return", note, new_deadline);
}
Result<Order> OversightService::SuspendOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                             const std::string& reason) {
  return Transition(who, actor, id, "suspend", reason, std::nullopt);
}
Result<Order> OversightService::ResumeOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                            const std::string& note) {
  return Transition(who, actor, id, "resume", note, std::nullopt);
}

// ---- answer with attachments ----

Result<Order> OversightService::AnswerOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                            const std::string& text_in, const std::vector<Upload>& files) {
  const std::string text = ValidText(text_in, 2000);
  if (text.empty()) return Invalid("请填写整改情况（不超过 2000 字）", "text");
  if (static_cast<int>(files.size()) > options_.max_attachments_per_answer)
    return Invalid(fmt::format("一次最多上传 {} 个附件", options_.max_attachments_per_answer), "file");
  for (const auto& f : files) {
    if (static_cast<std::int64_t>(f.bytes.size()) > options_.max_attachment_bytes)
      return Fail(ErrorCode::kPayloadTooLarge,
                  fmt::format("附件“{}”超过 {} MB 上限", CleanFilename(f.filename),
                              options_.max_attachment_bytes / 1000 / 1000),
                  "file", "attachment_too_large");
    if (f.bytes.empty()) return Invalid(fmt::format("附件“{}”是空文件", CleanFilename(f.filename)), "file");
  }
  // Visibility and state are checked before any byte is written, and again inside the transaction.
  auto pre = GetOrder(who, id);
  if (!pre) return std::unexpected(pre.error());
  if (!IsResponsible(who, *pre)) return Forbidden("只有责任民警本人可以反馈整改情况", "not_responsible");
  const TransitionDef* def = FindTransition("answer");
  auto allowed = [&](const std::string& s) { return std::find(def->from.begin(), def->from.end(), s) != def->from.end(); };
  if (!allowed(pre->status))
    return Conflict(fmt::format("督办单当前状态为“{}”，不能执行“反馈整改”", detail::OrderStatusZh(pre->status)),
                    "invalid_transition");

  // Content-addressed storage: <dir>/<first two hex digits>/<sha256>. Written before the
  // transaction; a rolled-back answer leaves at most an unreferenced file, never a row without bytes.
  struct Stored {
    std::string filename, content_type, sha256, rel_path;
    std::int64_t size;
  };
  std::vector<Stored> stored;
  namespace fs = std::filesystem;
  for (const auto& f : files) {
    Stored s;
    s.filename = CleanFilename(f.filename);
    s.content_type = f.content_type.empty() || f.content_type.size() > 100 ? "application/octet-stream" : f.content_type;
    s.sha256 = detail::Sha256Hex(f.bytes);
    s.size = static_cast<std::int64_t>(f.bytes.size());
    s.rel_path = s.sha256.substr(0, 2) + "/" + s.sha256;
    const fs::path full = fs::path(attachment_dir_) / s.rel_path;
    std::error_code ec;
    if (!fs::exists(full, ec)) {
      fs::create_directories(full.parent_path(), ec);
      const fs::path tmp = full.string() + ".tmp" + std::to_string(std::random_device{}());
      {
        std::ofstream out(tmp, std::ios::binary);
        out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
        if (!out) return Internal("附件保存失败：无法写入附件目录 " + attachment_dir_);
      }
      fs::rename(tmp, full, ec);
      if (ec) return Internal("附件保存失败：" + ec.message());
    }
    stored.push_back(std::move(s));
  }

  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Order> {
    auto o = LoadOrder(sql, id, false);
    if (!o) return std::unexpected(o.error());
    if (!allowed(o->status))
      return Conflict(fmt::format("督办单当前状态为“{}”，不能执行“反馈整改”", detail::OrderStatusZh(o->status)),
                      "invalid_transition");
    long long oid = id, t = now, by = who.user_id, bureau = 0, step = 0;
    sql << "SELECT bureau_id FROM supervision_orders WHERE id = :id", soci::use(oid), soci::into(bureau);
    sql << "INSERT INTO supervision_order_steps (bureau_id, order_id, action, note, actor_user_id, at) VALUES (:b, :o, "
           "'answer', :n, :u, :t) RETURNING id",
        soci::use(bureau), soci::use(oid), soci::use(text), soci::use(by), soci::use(t), soci::into(step);
    nlohmann::json files_json = nlohmann::json::array();
    for (const auto& s : stored) {
      long long size = s.size;
      sql << "INSERT INTO attachments (bureau_id, owner_type, owner_id, filename, content_type, size, sha256, "
             "storage_path, uploaded_by, uploaded_at) VALUES (:b, 'supervision_order_step', :o, :f, :ct, :sz, :h, :p, "
             ":u, :t)",
          soci::use(bureau), soci::use(step), soci::use(s.filename), soci::use(s.content_type), soci::use(size),
          soci::use(s.sha256), soci::use(s.rel_path), soci::use(by), soci::use(t);
      files_json.push_back({{"filename", s.filename}, {"size", s.size}, {"sha256", s.sha256}});
    }
    sql << "UPDATE supervision_orders SET status = 'answered', answered_at = :t, updated_at = :t2 WHERE id = :id",
        soci::use(t), soci::use(t), soci::use(oid);
    audit::Append(sql, clock_, actor,
                  {"supervision_order.answer", "supervision_order", std::to_string(id),
                   fmt::format("督办单 {}：反馈整改（{} → {}），附件 {} 个", id, detail::OrderStatusZh(o->status),
                               detail::OrderStatusZh("answered"), stored.size()),
                   {{"before", {{"status", o->status}}},
                    {"after", {{"status", "answered"}}},
                    {"text", text},
                    {"attachments", files_json}}});
    if (o->created_by) {
      const std::string title = "督办已反馈：请审核";
      const std::string body = fmt::format("案件：{}\n{} 已反馈整改情况：{}", o->case_title, o->responsible_name, text);
      const std::string dedup = fmt::format("order:{}:answer:{}", id, step);
      detail::Notify(sql, bureau, *o->created_by, o->case_id, "supervision_order", title, body, dedup, now);
    }
    return LoadOrder(sql, id, true);
  });
}

Result<std::pair<Attachment, std::string>> OversightService::ReadAttachment(const auth::Principal& who,
                                                                            std::int64_t id) const {
  try {
    auto meta = db_.Read([&](soci::session& sql) -> Result<std::pair<Attachment, std::string>> {
      std::optional<std::int64_t> order_id;
      Attachment at;
      std::string rel;
      Args a;
      ForEachRow(sql,
                 fmt::format("SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at, "
                             "a.storage_path, s.order_id FROM attachments a JOIN supervision_order_steps s ON "
                             "s.id = a.owner_id WHERE a.owner_type = 'supervision_order_step' AND a.id = {}",
                             a.Int(id)),
                 a, [&](const soci::row& r) {
                   at.id = db::GetInt64(r, 0);
                   at.filename = db::GetText(r, 1);
                   at.content_type = db::GetText(r, 2);
                   at.size = db::GetInt64(r, 3);
                   at.sha256 = db::GetText(r, 4);
                   at.uploaded_by = detail::OptInt(r, 5);
                   at.uploaded_at = db::GetInt64(r, 6);
                   rel = db::GetText(r, 7);
                   order_id = db::GetInt64(r, 8);
                 });
      if (!order_id) return NotFound("附件不存在");
      auto o = LoadOrder(sql, *order_id, false);
      if (!o || !CanSee(who, *o)) return NotFound("附件不存在");
      return std::make_pair(at, rel);
    });
    if (!meta) return meta;
    const auto full = std::filesystem::path(attachment_dir_) / meta->second;
    std::ifstream in(full, std::ios::binary);
    if (!in) return Internal("附件文件缺失：" + meta->first.filename);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    // The recorded sha256 is the integrity check: a changed file is refused, not served.
    if (detail::Sha256Hex(bytes) != meta->first.sha256) {
      spdlog::error("attachment {} at {} fails its sha256 check", id, full.string());
      return Internal("附件文件已损坏（校验值不符），请联系管理员");
    }
    return std::make_pair(meta->first, std::move(bytes));
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

}  // namespace fazhi::oversight
