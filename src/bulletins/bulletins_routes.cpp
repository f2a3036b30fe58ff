#include "bulletins/bulletins_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "bulletins/bulletins_store.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::bulletins {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

const std::vector<std::string> kKinds = {kQuality, kStandardization};
const std::vector<std::string> kStates = {"draft", "approved", "published"};

// The fields a bulletin shows in the list and on its own page alike.
template <typename B>
json CommonJson(const B& b) {
  return FZ_JSON(b, id, bureau_id, kind, period, state, title, issue_no, corrects_id, corrects_issue_no, created_at,
                 published_at);
}

json SummaryJson(const BulletinSummary& b) { return CommonJson(b); }

Reply BulletinReply(const Bulletin& b, int status = 200) {
  json j = CommonJson(b);
  j.update(Merged(
      FZ_JSON(b, bureau_name, issuer, created_by_name, approved_by_name, published_by_name, updated_at, approved_at),
      {{"sections", SectionsToJson(b.sections)}, {"narrative", NarrativeToJson(b.narrative)}}));
  return Reply::Json(std::move(j), status);
}

Result<Reply> ListBulletins(Ctx& ctx, BulletinService& s) {
  http::QueryReader q(ctx);
  BulletinFilter f;
  f.bureau_id = q.Id("bureau_id");
  f.kind = q.OneOf("kind", kKinds);
  f.state = q.OneOf("state", kStates);
  if (auto y = q.Int("year", 2000, 2100)) f.year = static_cast<int>(*y);
  const PageRequest page = q.Page({});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.List(ctx.user(), f, page));
  json items = json::array();
  for (const auto& b : list.items) items.push_back(SummaryJson(b));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GenerateBulletin(Ctx& ctx, BulletinService& s) {
  JsonInput in(ctx.body());
  GenerateInput g;
  g.kind = in.Enum("kind", "通报类别", kKinds, true).value_or("");
  g.period = in.String("period", "期间", {.max_chars = 10}).value_or("");
  g.bureau_id = in.Int("bureau_id", "分县局", {.min = 1});
  g.corrects_id = in.Int("corrects_id", "更正的通报", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (g.period.empty() && !g.corrects_id)
    return Invalid("请填写期间，如 2023-07 或 2023-Q3", "period", "invalid_period");
  return BulletinReply(FZ_TRY(s.Generate(ctx.user(), ctx.Actor(), g)), 201);
}

Result<Reply> GetBulletin(Ctx& ctx, BulletinService& s) {
  return BulletinReply(FZ_TRY(s.Get(ctx.user(), FZ_TRY(ctx.PathId()))));
}

Result<Reply> EditNarrative(Ctx& ctx, BulletinService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  NarrativeEdit e;
  const StringRule text{.max_chars = 2000};
  e.intro = in.String("intro", "导语", text);
  e.closing = in.String("closing", "下步工作要求", text);
  auto sections = in.Raw("sections", "各栏目文字");
  if (auto err = in.Finish()) return std::unexpected(*err);
  if (sections) {
    if (!sections->is_object()) return Invalid("“sections”应为 {栏目: 文字} 的对象", "sections", "wrong_type");
    for (const auto& [k, v] : sections->items()) {
      if (!v.is_string()) return Invalid(fmt::format("栏目“{}”的文字应为字符串", k), "sections", "wrong_type");
      e.sections[k] = v.get<std::string>();
    }
  }
  return BulletinReply(FZ_TRY(s.EditNarrative(ctx.user(), ctx.Actor(), id, e)));
}

Result<Reply> ApproveBulletin(Ctx& ctx, BulletinService& s) {
  return BulletinReply(FZ_TRY(s.Approve(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId()))));
}

Result<Reply> PublishBulletin(Ctx& ctx, BulletinService& s) {
  return BulletinReply(FZ_TRY(s.Publish(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId()))));
}

Result<Reply> DownloadDocx(Ctx& ctx, BulletinService& s) {
  auto f = FZ_TRY(s.Docx(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

Result<Reply> PrintPage(Ctx& ctx, BulletinService& s) {
  Reply reply;
  reply.body = FZ_TRY(s.PrintHtml(ctx.user(), FZ_TRY(ctx.PathId())));
  reply.content_type = "text/html; charset=utf-8";
  return reply;
}

}  // namespace

void RegisterRoutes(http::Router& router, BulletinService& s) {
  http::Routes<BulletinService> r(router, s);
  const auto read = http::Perm(auth::perm::kBulletinRead);
  const auto write = http::Perm(auth::perm::kBulletinWrite);
  r.Get("/api/bulletins", read, ListBulletins);
  r.Post("/api/bulletins", write, GenerateBulletin);
  r.Get("/api/bulletins/{id}", read, GetBulletin);
  r.Put("/api/bulletins/{id}/narrative", write, EditNarrative);
  r.Post("/api/bulletins/{id}/approve", http::Perm(auth::perm::kBulletinApprove), ApproveBulletin);
  r.Post("/api/bulletins/{id}/publish", write, PublishBulletin);
  r.Get("/api/bulletins/{id}/docx", read, DownloadDocx);
  r.Get("/api/bulletins/{id}/print", read, PrintPage);
}

}  // namespace fazhi::bulletins
