// The 督办 state machine is the table kTransitions; every step is a supervision_order_steps row and
// an audit entry in the same transaction.
#include "orders/orders_service.h"

#include "orders/order_document.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "core/text.h"
#include "notify/notify.h"
#include "orders/attachment_files.h"
#include "orders/orders_store.h"

namespace fazhi::orders {

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

bool Allowed(const TransitionDef& def, const std::string& status) {
  return std::find(def.from.begin(), def.from.end(), status) != def.from.end();
}

std::unexpected<Error> WrongState(const std::string& status, const char* action_zh) {
  return Conflict(fmt::format("督办单当前状态为“{}”，不能执行“{}”", OrderStatusName(status), action_zh),
                  "invalid_transition");
}

const std::vector<std::string> kStatuses = {"open", "answered", "closed", "returned", "suspended"};

constexpr const char* kNotFound = "督办单不存在或不在您的管辖范围内";

bool IsResponsible(const auth::Principal& who, const Order& o) {
  return who.person_id && o.responsible_person_id && *who.person_id == *o.responsible_person_id;
}

// Scope, the issuer, or the bound 法制员 of its case: who reviews, returns, suspends and resumes.
bool Manages(const auth::Principal& who, const Order& o) {
  if (who.InScope(o.unit_path)) return true;
  if (o.created_by && *o.created_by == who.user_id) return true;
  return who.person_id && o.case_legal_officer_id && *who.person_id == *o.case_legal_officer_id;
}

bool CanSee(const auth::Principal& who, const Order& o) { return Manages(who, o) || IsResponsible(who, o); }

std::string ValidText(const std::string& s, std::size_t max_chars) {
  std::string t = Trim(s);
  if (!IsValidUtf8(t) || Utf8Length(t) > static_cast<std::ptrdiff_t>(max_chars)) return {};
  return t;
}

// "violation、review 或 manual"
std::string KindList(const std::vector<std::string>& kinds) {
  std::string out;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (i > 0) out += i + 1 == kinds.size() ? " 或 " : "、";
    out += kinds[i];
  }
  return out;
}

notify::Message OrderMessage(const Order& o, std::string kind, std::string title, std::string body, std::string dedup) {
  return {.bureau_id = o.bureau_id,
          .kind = std::move(kind),
          .title = std::move(title),
          .body = std::move(body),
          .object_type = "supervision_order",
          .object_id = o.id,
          .case_id = o.case_id,
          .dedup_key = std::move(dedup)};
}

}  // namespace

namespace {

// Each status with its full name (messages, the 督办通知书) and its short one (lists, the XLSX export).
struct StatusNames {
  std::string_view status, name, short_name;
};
constexpr StatusNames kStatusNames[] = {{"open", "待整改", "待整改"},
                                        {"answered", "已反馈待审核", "待审核"},
                                        {"returned", "已退回重新整改", "已退回"},
                                        {"suspended", "已挂起", "已挂起"},
                                        {"closed", "已办结", "已办结"}};

const StatusNames* FindStatus(std::string_view s) {
  for (const StatusNames& n : kStatusNames)
    if (n.status == s) return &n;
  return nullptr;
}

}  // namespace

std::string OrderStatusName(std::string_view s) {
  const StatusNames* n = FindStatus(s);
  return std::string(n ? n->name : s);
}

std::string OrderStatusShortName(std::string_view s) {
  const StatusNames* n = FindStatus(s);
  return std::string(n ? n->short_name : s);
}

std::string OrderStepName(std::string_view action) {
  if (action == "create") return "下发督办";
  if (const TransitionDef* t = FindTransition(action)) return t->name_zh;
  return std::string(action);
}

OrderService::OrderService(db::Database& db, const Clock& clock, Options options)
    : db_(db), clock_(clock), options_(std::move(options)) {
  attachment_dir_ = ResolveAttachmentDir(options_.attachment_dir, db_);
  std::error_code ec;
  std::filesystem::create_directories(attachment_dir_, ec);
  if (ec) spdlog::warn("orders: cannot create attachment directory {}: {}", attachment_dir_, ec.message());
}

OrderService::~OrderService() = default;

Result<void> OrderService::RegisterSource(std::unique_ptr<OrderSource> source) {
  if (Source(source->Kind())) return Conflict(fmt::format("督办来源“{}”已登记", source->Kind()), "duplicate_source");
  sources_.push_back(std::move(source));
  return {};
}

std::vector<std::string> OrderService::SourceKinds() const {
  std::vector<std::string> out;
  for (const auto& s : sources_) out.emplace_back(s->Kind());
  return out;
}

const OrderSource* OrderService::Source(std::string_view kind) const {
  for (const auto& s : sources_)
    if (s->Kind() == kind) return s.get();
  return nullptr;
}

std::string OrderService::Subject(const Order& o) const {
  if (o.case_id) return fmt::format("案件：{}", o.case_title);
  const OrderSource* s = Source(o.source);
  return fmt::format("{}：{}", s ? s->Name() : std::string_view("督办来源"), o.title);
}

// ---- create ----

Result<Order> OrderService::Create(const auth::Principal& who, const audit::Actor& actor, const NewOrder& in) {
  if (!who.Has(auth::perm::kCaseReview)) return Forbidden("只有法制员或领导可以发起督办");
  return db_.Write([&](soci::session& sql) -> Result<Order> { return IssueIn(sql, who, actor, in); });
}

Result<std::vector<BatchRow>> OrderService::CreateBatch(const auth::Principal& who, const audit::Actor& actor,
                                                        const NewBatch& b) {
  if (!who.Has(auth::perm::kCaseReview)) return Forbidden("只有法制员或领导可以发起督办");
  if (b.ids.empty()) return Invalid("请至少选择一条记录", "ids", "empty_batch");
  if (b.ids.size() > kMaxBatchOrders)
    return Invalid(fmt::format("一次最多批量督办 {} 条，本次选择了 {} 条", kMaxBatchOrders, b.ids.size()), "ids",
                   "batch_too_large");
  std::set<std::int64_t> seen;
  for (const std::int64_t id : b.ids)
    if (!seen.insert(id).second) return Invalid(fmt::format("编号 {} 重复选择", id), "ids", "duplicate_ids");
  const OrderSource* source = Source(b.source);
  if (!source) return Invalid(fmt::format("督办来源应为 {}", KindList(SourceKinds())), "source");
  if (ValidText(b.opinion, 2000).empty()) return Invalid("请填写整改意见（不超过 2000 字）", "opinion");
  if (b.deadline <= clock_.Now()) return Invalid("整改期限必须晚于当前时间", "deadline");
  std::vector<BatchRow> rows;
  for (const std::int64_t id : b.ids) {
    NewOrder o{.source = b.source, .problem_type = b.problem_type, .opinion = b.opinion, .deadline = b.deadline};
    (source->IdIsCase() ? o.case_id : o.source_id) = id;
    auto issued = db_.Write([&](soci::session& sql) -> Result<Order> { return IssueIn(sql, who, actor, o); });
    rows.push_back(issued ? BatchRow{.id = id, .order_id = issued->id, .error = std::nullopt}
                          : BatchRow{.id = id, .order_id = std::nullopt, .error = issued.error()});
  }
  return rows;
}

Result<Order> OrderService::IssueIn(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                                    const NewOrder& in) {
  const std::string opinion = ValidText(in.opinion, 2000);
  if (opinion.empty()) return Invalid("请填写整改意见（不超过 2000 字）", "opinion");
  if (in.deadline <= clock_.Now()) return Invalid("整改期限必须晚于当前时间", "deadline");
  const OrderSource* source = Source(in.source);
  if (!source) return Invalid(fmt::format("督办来源应为 {}", KindList(SourceKinds())), "source");
  std::int64_t id = 0;
  if (source->IdIsCase()) {
    if (!in.case_id) return Invalid(fmt::format("{}须指明案件", source->Name()), "case_id");
    id = *in.case_id;
  } else {
    if (!in.source_id) return Invalid(fmt::format("请指明来源的{}编号", source->Name()), "source_id");
    id = *in.source_id;
  }
  std::string problem = ValidText(in.problem_type, 32);
  if (!in.problem_type.empty() && problem.empty()) return Invalid("问题类型不能超过 32 字", "problem_type");
  return Insert(sql, who, actor, *source, id, in, std::move(problem), opinion);
}

Result<Order> OrderService::Insert(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                                   const OrderSource& source, std::int64_t source_id, const NewOrder& in,
                                   std::string problem, const std::string& opinion) {
  const SourceInfo info = FZ_TRY(source.Describe(sql, who, source_id));
  if (problem.empty()) problem = info.problem_type;
  if (problem.empty()) return Invalid("请填写问题类型", "problem_type");
  const std::optional<std::int64_t> person =
      in.responsible_person_id ? in.responsible_person_id : info.responsible_person_id;
  if (!person) return Invalid("请指定责任民警", "responsible_person_id");
  // A named 责任民警 must be someone the issuer may see: his own subtree, or the unit of the source
  // he may act on (a bound 法制员 names the officers of the case's unit). Anyone else answers like a
  // person who does not exist (issue 16 defect 4).
  std::vector<std::string> may_name = {who.unit_path};
  if (auto path = store::UnitPath(sql, info.unit_id)) may_name.push_back(*path);
  if (in.responsible_person_id ? !store::PersonActiveUnder(sql, *person, may_name) : !store::PersonActive(sql, *person))
    return Invalid("责任民警不存在或已停用", "responsible_person_id");
  if (!source.IdIsCase())
    if (auto open = store::OpenOrderFor(sql, std::string(source.Kind()), source_id))
      return Conflict(fmt::format("该问题已有未办结的督办单（编号 {}）", *open), "duplicate_order");

  const EpochSeconds now = clock_.Now();
  Order o{.bureau_id = info.bureau_id,
          .case_id = info.case_id,
          .unit_id = info.unit_id,
          .source = std::string(source.Kind()),
          .source_id = source.IdIsCase() ? std::nullopt : std::optional<std::int64_t>(source_id),
          .title = info.title,
          .problem_type = problem,
          .opinion = opinion,
          .responsible_person_id = person,
          .deadline = in.deadline,
          .created_by = who.user_id,
          .created_at = now};
  const std::int64_t id = store::Insert(sql, o);
  const Order stored = *store::Find(sql, id, now, false);
  audit::Append(
      sql, clock_, actor,
      {"supervision_order.create",
       "supervision_order",
       std::to_string(id),
       fmt::format("发起督办：{}（{}），整改期限 {}", problem,
                   stored.case_id ? "案件 " + stored.case_title : stored.title, FormatLocalDateTime(in.deadline)),
       {{"after",
         {{"status", "open"},
          {"case_id", o.case_id ? nlohmann::json(*o.case_id) : nlohmann::json()},
          {"source", o.source},
          {"source_id", o.source_id ? nlohmann::json(*o.source_id) : nlohmann::json()},
          {"title", o.title},
          {"problem_type", problem},
          {"responsible_person_id", *person},
          {"deadline", in.deadline}}}}});
  notify::Send(sql,
               OrderMessage(stored, "supervision_order", fmt::format("督办：{}", problem),
                            fmt::format("{}\n整改意见：{}\n整改期限：{}", Subject(stored), opinion,
                                        FormatLocalDateTime(in.deadline)),
                            fmt::format("order:{}:created", id)),
               {.persons = {*person}}, now);
  return *store::Find(sql, id, now, true);
}

// ---- read ----

Result<Order> OrderService::Get(const auth::Principal& who, std::int64_t id) const {
  return db_.Read([&](soci::session& sql) -> Result<Order> {
    auto o = store::Find(sql, id, clock_.Now(), true);
    if (!o || !CanSee(who, *o)) return NotFound(kNotFound);
    return *o;
  });
}

Result<files::Document> OrderService::Notice(const auth::Principal& who, std::int64_t id) const {
  return db_.Read([&](soci::session& sql) -> Result<files::Document> {
    auto o = store::Find(sql, id, clock_.Now(), true);
    if (!o || !CanSee(who, *o)) return NotFound(kNotFound);
    const auto issuer = o->created_by ? store::UserUnitName(sql, *o->created_by) : std::nullopt;
    return OrderDocument(*o, issuer.value_or(o->unit_name), clock_.Now());
  });
}

Result<Paged<Order>> OrderService::List(const auth::Principal& who, const OrderFilter& f,
                                        const PageRequest& page) const {
  if (f.status && f.status != "active" && std::find(kStatuses.begin(), kStatuses.end(), *f.status) == kStatuses.end())
    return Invalid("状态应为 active（在办）、open、answered、closed、returned 或 suspended", "status");
  if (f.source && !Source(*f.source)) return Invalid(fmt::format("督办来源应为 {}", KindList(SourceKinds())), "source");
  return db_.Read([&](soci::session& sql) -> Result<Paged<Order>> {
    std::optional<std::string> path;
    if (f.unit_id) {
      path = store::UnitPath(sql, *f.unit_id);
      if (!path || !who.InScope(*path)) return NotFound("单位不存在或不在您的管辖范围内");
    }
    return store::List(sql, who, f, path, page, clock_.Now());
  });
}

// ---- transitions ----

Result<Order> OrderService::Close(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                  const std::string& note) {
  return Transition(who, actor, id, "close", note, std::nullopt);
}
Result<Order> OrderService::Return(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                   const std::string& note, std::optional<EpochSeconds> new_deadline) {
  return Transition(who, actor, id, "return", note, new_deadline);
}
Result<Order> OrderService::Suspend(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                    const std::string& reason) {
  return Transition(who, actor, id, "suspend", reason, std::nullopt);
}
Result<Order> OrderService::Resume(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                   const std::string& note) {
  return Transition(who, actor, id, "resume", note, std::nullopt);
}

Result<Order> OrderService::Transition(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                       const std::string& action, const std::string& note_in,
                                       std::optional<EpochSeconds> new_deadline) {
  const TransitionDef* def = FindTransition(action);
  if (!def || action == "answer") return Invalid("未知的督办操作", "action");
  const std::string note = ValidText(note_in, 2000);
  if (!note_in.empty() && note.empty() && !Trim(note_in).empty())
    return Invalid("说明不能超过 2000 字", action == "suspend" ? "reason" : "note");
  if (action == "return" && note.empty()) return Invalid("退回须写明理由", "note");
  if (action == "suspend" && note.empty()) return Invalid("挂起须写明原因", "reason");
  if (new_deadline && *new_deadline <= clock_.Now()) return Invalid("新的整改期限必须晚于当前时间", "deadline");
  if (!who.Has(auth::perm::kCaseReview)) return Forbidden("只有法制员或领导可以审核、退回、挂起或恢复督办");
  return db_.Write([&](soci::session& sql) -> Result<Order> {
    auto o = store::Find(sql, id, clock_.Now(), false);
    if (!o || !Manages(who, *o)) return NotFound(kNotFound);
    if (action == "close" || action == "return")
      if (const OrderSource* source = Source(o->source); source && !source->ReviewedBy().empty())
        return Conflict(fmt::format("{}的整改由{}，不在督办页面{}", source->Name(), source->ReviewedBy(), def->name_zh),
                        "reviewed_by_source");
    if (!Allowed(*def, o->status)) return WrongState(o->status, def->name_zh);
    return ApplyTransition(sql, who, actor, *o, action, note, new_deadline);
  });
}

Result<Order> OrderService::ReviewIn(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                                     std::int64_t id, std::string_view action, const std::string& note,
                                     std::optional<EpochSeconds> new_deadline) {
  if (action != "close" && action != "return") return Invalid("未知的复查操作", "action");
  const TransitionDef& def = *FindTransition(action);
  auto o = store::Find(sql, id, clock_.Now(), false);
  if (!o) return NotFound(kNotFound);
  if (!Allowed(def, o->status)) return WrongState(o->status, def.name_zh);
  return ApplyTransition(sql, who, actor, *o, std::string(action), note, new_deadline);
}

Result<Order> OrderService::ApplyTransition(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                                            const Order& o, const std::string& action, const std::string& note,
                                            std::optional<EpochSeconds> new_deadline) {
  const EpochSeconds now = clock_.Now();
  const TransitionDef& def = *FindTransition(action);
  std::string to = def.to ? def.to : "";
  if (action == "resume") {
    to = o.status_before_suspend.empty() ? "open" : o.status_before_suspend;
    store::MarkResumed(sql, o.id, to, now);
  } else if (action == "suspend") {
    store::MarkSuspended(sql, o.id, o.status, note, now);
  } else if (action == "close") {
    store::MarkClosed(sql, o.id, now);
  } else if (action == "return") {
    store::MarkReturned(sql, o.id, new_deadline.value_or(o.deadline), now);
  }
  store::InsertStep(sql, o.bureau_id, o.id, action, note, who.user_id, now);
  nlohmann::json after = {{"status", to}};
  if (action == "return" && new_deadline) after["deadline"] = *new_deadline;
  audit::Append(sql, clock_, actor,
                {"supervision_order." + action,
                 "supervision_order",
                 std::to_string(o.id),
                 fmt::format("督办单 {}：{}（{} → {}）{}", o.id, def.name_zh, OrderStatusName(o.status),
                             OrderStatusName(to), note.empty() ? "" : "，" + note),
                 {{"before", {{"status", o.status}, {"deadline", o.deadline}}}, {"after", after}, {"note", note}}});
  if (action == "return" && o.responsible_person_id)
    notify::Send(
        sql,
        OrderMessage(o, "supervision_order", "督办退回：请重新整改", fmt::format("{}\n退回理由：{}", Subject(o), note),
                     fmt::format("order:{}:return:{}", o.id, now)),
        {.persons = {*o.responsible_person_id}}, now);
  Order updated = *store::Find(sql, o.id, now, true);
  if (action == "close")
    if (const OrderSource* source = Source(o.source)) FZ_CHECK(source->OnClosed(sql, updated));
  return updated;
}

// ---- answer with attachments ----

Result<Order> OrderService::Answer(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
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
  const TransitionDef& def = *FindTransition("answer");
  const Order pre = FZ_TRY(Get(who, id));
  if (!IsResponsible(who, pre)) return Forbidden("只有责任民警本人可以反馈整改情况", "not_responsible");
  if (!Allowed(def, pre.status)) return WrongState(pre.status, def.name_zh);
  const std::vector<StoredFile> stored = FZ_TRY(WriteFiles(attachment_dir_, files));

  return db_.Write([&](soci::session& sql) -> Result<Order> {
    const EpochSeconds now = clock_.Now();
    auto o = store::Find(sql, id, now, false);
    if (!o) return NotFound(kNotFound);
    if (!Allowed(def, o->status)) return WrongState(o->status, def.name_zh);
    const std::int64_t step = store::InsertStep(sql, o->bureau_id, id, "answer", text, who.user_id, now);
    nlohmann::json files_json = nlohmann::json::array();
    for (const auto& s : stored) {
      Attachment meta = s.meta;
      meta.uploaded_by = who.user_id;
      meta.uploaded_at = now;
      store::InsertAttachment(sql, o->bureau_id, step, meta, s.rel_path);
      files_json.push_back(FZ_JSON(meta, filename, size, sha256));
    }
    store::MarkAnswered(sql, id, now);
    audit::Append(sql, clock_, actor,
                  {"supervision_order.answer",
                   "supervision_order",
                   std::to_string(id),
                   fmt::format("督办单 {}：反馈整改（{} → {}），附件 {} 个", id, OrderStatusName(o->status),
                               OrderStatusName("answered"), stored.size()),
                   {{"before", {{"status", o->status}}},
                    {"after", {{"status", "answered"}}},
                    {"text", text},
                    {"attachments", files_json}}});
    if (o->created_by)
      notify::Send(sql,
                   OrderMessage(*o, "supervision_order", "督办已反馈：请审核",
                                fmt::format("{}\n{} 已反馈整改情况：{}", Subject(*o), o->responsible_name, text),
                                fmt::format("order:{}:answer:{}", id, step)),
                   {.users = {*o->created_by}}, now);
    return *store::Find(sql, id, now, true);
  });
}

Result<std::pair<Attachment, std::string>> OrderService::ReadAttachment(const auth::Principal& who,
                                                                        std::int64_t id) const {
  const store::StoredAttachment found = FZ_TRY(db_.Read([&](soci::session& sql) -> Result<store::StoredAttachment> {
    auto a = store::FindAttachment(sql, id);
    if (!a) return NotFound("附件不存在");
    auto o = store::Find(sql, a->order_id, clock_.Now(), false);
    if (!o || !CanSee(who, *o)) return NotFound("附件不存在");
    return *a;
  }));
  std::string bytes = FZ_TRY(ReadFile(attachment_dir_, found.storage_path, found.meta));
  return std::make_pair(found.meta, std::move(bytes));
}

// ---- the sweep ----

Result<OverdueReport> OrderService::NotifyOverdue() {
  return db_.Write([&](soci::session& sql) -> Result<OverdueReport> {
    const EpochSeconds now = clock_.Now();
    OverdueReport report;
    for (const Order& o : store::OverdueUnnotified(sql, now)) {
      notify::Recipients to;
      if (o.responsible_person_id) to.persons.push_back(*o.responsible_person_id);
      if (o.created_by) to.users.push_back(*o.created_by);
      report.notifications +=
          notify::Send(sql,
                       OrderMessage(o, "supervision_overdue", fmt::format("督办逾期：{}", o.problem_type),
                                    fmt::format("{}\n督办单 {} 的整改期限 {} 已过，尚未反馈整改情况。", Subject(o),
                                                o.id, FormatLocalDateTime(o.deadline)),
                                    fmt::format("order:{}:overdue:{}", o.id, o.deadline)),
                       to, now);
      store::MarkOverdueNotified(sql, o.id, o.deadline);
      ++report.orders;
    }
    return report;
  });
}

}  // namespace fazhi::orders
