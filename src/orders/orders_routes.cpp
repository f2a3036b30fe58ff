#include "orders/orders_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "files/attachments.h"
#include "files/document_html.h"
#include "files/docx.h"
#include "files/spreadsheet.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::orders {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

const std::vector<std::string> kStatuses = {"open", "answered", "closed", "returned", "suspended"};
// The list's status filter: one status, or "active" (在办: open, answered, returned).
const std::vector<std::string> kStatusFilters = {"active", "open", "answered", "closed", "returned", "suspended"};

json AttachmentJson(const Attachment& a) {
  return Merged(FZ_JSON(a, id, filename, content_type, size, sha256, uploaded_by, uploaded_at),
                {{"url", fmt::format("/api/attachments/{}", a.id)}});
}

json StepsJson(const std::vector<OrderStep>& steps) {
  json out = json::array();
  for (const auto& s : steps) {
    json files = json::array();
    for (const auto& f : s.attachments) files.push_back(AttachmentJson(f));
    out.push_back(Merged(FZ_JSON(s, id, action, note, actor_user_id, actor_name, at), {{"attachments", files}}));
  }
  return out;
}

Reply OrderReply(const Order& o, const OrderService& s, int status = 200) {
  return Reply::Json(OrderJson(o, s), status);
}

// The list's filters, shared by the list and its export.
OrderFilter ReadOrderFilter(http::QueryReader& q, const OrderService& s) {
  OrderFilter f;
  f.status = q.OneOf("status", kStatusFilters);
  f.source = q.OneOf("source", s.SourceKinds());
  f.unit_id = q.Id("unit_id");
  f.person_id = q.Id("person_id");
  f.case_id = q.Id("case_id");
  f.overdue_only = q.Bool("overdue").value_or(false);
  f.mine = q.Bool("mine").value_or(false);
  return f;
}

// GET /api/supervision-orders/export: the list's rows (same filters and scope, up to 10,000, the
// list's order) as XLSX with Chinese headers.
// Reading 督办 is business work: for holders of a source module's read permission (cases,
// inspections, intake), not for the three separated administrators or the volunteer administrator
// (三员分立). Checked before the order is looked up, so the answer says nothing about the order.
Result<void> CheckOrderReader(const auth::Principal& u) {
  for (std::string_view p : {auth::perm::kCaseRead, auth::perm::kInspectionRead, auth::perm::kIntakeRead})
    if (u.Has(p)) return {};
  return Forbidden("没有查看督办的权限", "permission_denied");
}

Result<Reply> ExportOrders(Ctx& ctx, OrderService& s) {
  FZ_CHECK(CheckOrderReader(ctx.user()));
  http::QueryReader q(ctx);
  const OrderFilter f = ReadOrderFilter(q, s);
  PageRequest page = q.Page({"deadline", "created_at", "updated_at"});
  FZ_CHECK(q.Finish());
  page.page = 1;
  page.page_size = 10000;
  const auto list = FZ_TRY(s.List(ctx.user(), f, page));
  auto time = [](const std::optional<EpochSeconds>& t) { return t ? FormatLocalDateTime(*t) : std::string(); };
  files::SheetData sheet{"督办", {}, {10, 22, 28, 16, 12, 30, 40, 12, 20, 10, 20, 20, 20}};
  sheet.rows.push_back({"督办编号", "案件编号", "案件名称", "责任单位", "来源", "督办事项", "整改意见", "责任民警",
                        "整改期限", "状态", "下发时间", "回复时间", "办结时间"});
  for (const auto& o : list.items) {
    const OrderSource* source = s.Source(o.source);
    sheet.rows.push_back({std::to_string(o.id), o.case_external_id, o.case_title, o.unit_name,
                          source ? std::string(source->Name()) : o.source, o.title, o.opinion, o.responsible_name,
                          FormatLocalDateTime(o.deadline),
                          OrderStatusShortName(o.status) + (o.overdue ? "（已逾期）" : ""),
                          FormatLocalDateTime(o.created_at), time(o.answered_at), time(o.closed_at)});
  }
  return Reply::File(FZ_TRY(files::WriteXlsx({std::move(sheet)})), files::kXlsx, "督办.xlsx");
}

Result<Reply> ListOrders(Ctx& ctx, OrderService& s) {
  FZ_CHECK(CheckOrderReader(ctx.user()));
  http::QueryReader q(ctx);
  const OrderFilter f = ReadOrderFilter(q, s);
  const PageRequest page = q.Page({"deadline", "created_at", "updated_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.List(ctx.user(), f, page));
  json items = json::array();
  for (const auto& o : list.items) items.push_back(OrderJson(o, s));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CreateOrder(Ctx& ctx, OrderService& s) {
  JsonInput in(ctx.body());
  NewOrder o;
  const auto kinds = s.SourceKinds();
  o.source = in.Enum("source", "督办来源", kinds).value_or("manual");
  o.source_id = in.Int("source_id", "来源编号", {.min = 1});
  o.case_id = in.Int("case_id", "案件", {.min = 1});
  o.problem_type = in.String("problem_type", "问题类型", {.max_chars = 32}).value_or("");
  o.opinion = in.String("opinion", "整改意见", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
  o.responsible_person_id = in.Int("responsible_person_id", "责任民警", {.min = 1});
  o.deadline = in.Time("deadline", "整改期限", {.required = true}).value_or(0);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return OrderReply(FZ_TRY(s.Create(ctx.user(), ctx.Actor(), o)), s, 201);
}

// 批量督办 {source, ids, problem_type?, opinion, deadline} → 200 {issued, refused, items: [{id, status:
// "issued", order_id} | {id, status: "refused", code, message}]} in the order of `ids`.
Result<Reply> CreateBatch(Ctx& ctx, OrderService& s) {
  JsonInput in(ctx.body());
  NewBatch b;
  b.source = in.Enum("source", "督办来源", s.SourceKinds()).value_or("manual");
  if (auto ids = in.Raw("ids", "督办对象", true)) {
    bool ok = ids->is_array();
    for (const auto& v : ok ? *ids : nlohmann::json::array()) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1) ok = false;
      if (!ok) break;
      b.ids.push_back(v.get<std::int64_t>());
    }
    if (!ok) in.Reject(Error{ErrorCode::kInvalidArgument, "ids 应为正整数编号的数组", "ids", "invalid_value"});
  }
  b.problem_type = in.String("problem_type", "问题类型", {.max_chars = 32}).value_or("");
  b.opinion = in.String("opinion", "整改意见", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
  b.deadline = in.Time("deadline", "整改期限", {.required = true}).value_or(0);
  if (auto e = in.Finish()) return std::unexpected(*e);
  const auto rows = FZ_TRY(s.CreateBatch(ctx.user(), ctx.Actor(), b));
  nlohmann::json items = nlohmann::json::array();
  int issued = 0;
  for (const auto& r : rows) {
    if (r.order_id) {
      ++issued;
      items.push_back({{"id", r.id}, {"status", "issued"}, {"order_id", *r.order_id}});
    } else {
      items.push_back({{"id", r.id},
                       {"status", "refused"},
                       {"code", r.error->MachineCode()},
                       {"message", r.error->message},
                       {"field", r.error->field}});
    }
  }
  return Reply::Json({{"issued", issued}, {"refused", static_cast<int>(rows.size()) - issued}, {"items", items}});
}

Result<Reply> GetOrder(Ctx& ctx, OrderService& s) {
  FZ_CHECK(CheckOrderReader(ctx.user()));
  return OrderReply(FZ_TRY(s.Get(ctx.user(), FZ_TRY(ctx.PathId()))), s);
}

Result<Reply> DownloadNotice(Ctx& ctx, OrderService& s) {
  FZ_CHECK(CheckOrderReader(ctx.user()));
  const std::int64_t id = FZ_TRY(ctx.PathId());
  auto doc = FZ_TRY(s.Notice(ctx.user(), id));
  return Reply::File(FZ_TRY(files::WriteDocx(doc)), files::kDocx, fmt::format("督办通知书（第{}号）.docx", id));
}

Result<Reply> PrintNotice(Ctx& ctx, OrderService& s) {
  FZ_CHECK(CheckOrderReader(ctx.user()));
  Reply reply;
  reply.body = FZ_TRY(files::RenderDocumentHtml(FZ_TRY(s.Notice(ctx.user(), FZ_TRY(ctx.PathId())))));
  reply.content_type = "text/html; charset=utf-8";
  return reply;
}

// JSON {text}, or multipart/form-data with the field `text` and file parts named `file`.
Result<Reply> AnswerOrder(Ctx& ctx, OrderService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  std::string text;
  std::vector<Upload> files;
  const auto& req = ctx.req();
  if (req.is_multipart_form_data()) {
    for (const auto& [name, part] : req.files) {
      if (part.filename.empty()) {
        if (name != "text") return Invalid(fmt::format("不认识的表单字段“{}”", name), name, "unknown_field");
        text = part.content;
      } else if (name == "file" || name == "files") {
        files.push_back({part.filename, part.content_type, part.content});
      } else {
        return Invalid(fmt::format("附件应使用字段名 file，而不是“{}”", name), name, "unknown_field");
      }
    }
  } else {
    JsonInput in(ctx.body());
    text = in.String("text", "整改情况", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
    if (auto e = in.Finish()) return std::unexpected(*e);
  }
  return OrderReply(FZ_TRY(s.Answer(ctx.user(), ctx.Actor(), id, text, files)), s);
}

// The body of a reviewer's transition: {note?} (close, resume), {note, deadline?} (return), {reason} (suspend).
struct TransitionBody {
  std::string note;
  std::optional<EpochSeconds> deadline;
};
Result<TransitionBody> ReadTransition(const Ctx& ctx, std::string_view action) {
  JsonInput in(ctx.body().empty() ? std::string_view("{}") : std::string_view(ctx.body()));
  const bool suspend = action == "suspend", required = suspend || action == "return";
  TransitionBody b;
  b.note = in.String(suspend ? "reason" : "note", suspend ? "挂起原因" : "说明",
                     {.required = required, .min_chars = required ? 1 : 0, .max_chars = 2000})
               .value_or("");
  if (action == "return") b.deadline = in.Time("deadline", "新的整改期限");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return b;
}

Result<Reply> CloseOrder(Ctx& ctx, OrderService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto b = FZ_TRY(ReadTransition(ctx, "close"));
  return OrderReply(FZ_TRY(s.Close(ctx.user(), ctx.Actor(), id, b.note)), s);
}

Result<Reply> ReturnOrder(Ctx& ctx, OrderService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto b = FZ_TRY(ReadTransition(ctx, "return"));
  return OrderReply(FZ_TRY(s.Return(ctx.user(), ctx.Actor(), id, b.note, b.deadline)), s);
}

Result<Reply> SuspendOrder(Ctx& ctx, OrderService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto b = FZ_TRY(ReadTransition(ctx, "suspend"));
  return OrderReply(FZ_TRY(s.Suspend(ctx.user(), ctx.Actor(), id, b.note)), s);
}

Result<Reply> ResumeOrder(Ctx& ctx, OrderService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto b = FZ_TRY(ReadTransition(ctx, "resume"));
  return OrderReply(FZ_TRY(s.Resume(ctx.user(), ctx.Actor(), id, b.note)), s);
}

Result<Reply> DownloadAttachment(Ctx& ctx, OrderService& s) {
  FZ_CHECK(CheckOrderReader(ctx.user()));
  auto [meta, bytes] = FZ_TRY(s.ReadAttachment(ctx.user(), FZ_TRY(ctx.PathId())));
  Reply reply = Reply::File(std::move(bytes), meta.content_type, meta.filename);
  reply.headers.emplace_back("X-Content-SHA256", meta.sha256);
  return reply;
}

}  // namespace

json OrderJson(const Order& o, const OrderService& service) {
  const OrderSource* source = service.Source(o.source);
  return Merged(FZ_JSON(o, id, case_id, case_title, case_external_id, unit_id, unit_name, source, source_id, title,
                        problem_type, opinion, responsible_person_id, responsible_name, deadline, status,
                        suspend_reason, created_by, created_at, answered_at, closed_at, updated_at, overdue),
                {{"source_name", source ? std::string(source->Name()) : o.source},
                 {"reviewed_by", source ? std::string(source->ReviewedBy()) : std::string()},
                 {"source_path", source && o.source_id ? source->WebPath(*o.source_id) : std::string()},
                 {"deadline_local", FormatLocalDateTime(o.deadline)},
                 {"steps", StepsJson(o.steps)}});
}

void RegisterRoutes(http::Router& router, OrderService& s) {
  http::Routes<OrderService> r(router, s);
  const http::Access review = http::Perm(auth::perm::kCaseReview);
  r.Get("/api/supervision-orders", http::kSignedIn, ListOrders);
  r.Get("/api/supervision-orders/export", http::kSignedIn, ExportOrders);
  r.Post("/api/supervision-orders", review, CreateOrder);
  r.Post("/api/supervision-orders/batch", review, CreateBatch);
  r.Get("/api/supervision-orders/{id}", http::kSignedIn, GetOrder);
  r.Get("/api/supervision-orders/{id}/docx", http::kSignedIn, DownloadNotice);
  r.Get("/api/supervision-orders/{id}/print", http::kSignedIn, PrintNotice);
  r.Post("/api/supervision-orders/{id}/answer", http::kSignedIn, AnswerOrder);
  r.Post("/api/supervision-orders/{id}/close", review, CloseOrder);
  r.Post("/api/supervision-orders/{id}/return", review, ReturnOrder);
  r.Post("/api/supervision-orders/{id}/suspend", review, SuspendOrder);
  r.Post("/api/supervision-orders/{id}/resume", review, ResumeOrder);
  r.Get("/api/attachments/{id}", http::kSignedIn, DownloadAttachment);
}

}  // namespace fazhi::orders
