#include "intake/intake_service.h"

#include <algorithm>

#include <fmt/format.h>
#include <sodium.h>

#include "auth/require.h"
#include "auth/roles.h"
#include "cases/case_service.h"
#include "core/local_time.h"
#include "core/text.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "intake/intake_receipt.h"
#include "intake/intake_store.h"
#include "notify/notify.h"
#include "org/org_reads.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"
#include "supervision/legal_time.h"

namespace fazhi::intake {

using auth::Principal;

std::string KindName(std::string_view kind) {
  if (kind == "report") return "报案";
  if (kind == "complaint") return "投诉";
  if (kind == "consult") return "咨询";
  if (kind == "help") return "求助";
  return std::string(kind);
}

namespace {

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // 32 symbols, no 0/O/1/I
constexpr int kCodeSymbols = 16;                                            // 16 × 5 = 80 bits

using org::Reach;

bool IsHallUnit(const org::UnitRef& u) {
  return u.name.find("接报案") != std::string::npos || u.category.find("接报案") != std::string::npos;
}

// His unit subtree; on a bureau's legal unit or its intake hall, the whole bureau.
Reach ReachOf(soci::session& sql, const Principal& who) { return org::ReachOf(sql, who, IsHallUnit); }

using auth::NameOf;
using auth::Need;
using org::Under;

bool Visible(const store::TicketRow& row, const Reach& reach) {
  return Under(row.desk_path, reach.path) || (!row.unit_path.empty() && Under(row.unit_path, reach.path));
}

std::string ActionName(std::string_view a) {
  if (a == "register") return "登记";
  if (a == "route") return "分流";
  if (a == "accept") return "受理";
  if (a == "decline") return "不予受理";
  if (a == "conclude") return "办结";
  if (a == "feedback") return "反馈";
  if (a == "reopen") return "重新办理";
  return std::string(a);
}

Result<std::string> Text(const std::string& raw, const char* label, const char* field, int max_chars, bool required) {
  std::string v = Trim(raw);
  if (required && v.empty()) return Invalid(fmt::format("{}不能为空", label), field, "required");
  if (!IsValidUtf8(v)) return Invalid(fmt::format("{}含有无效字符", label), field, "invalid_text");
  if (Utf8Length(v) > max_chars) return Invalid(fmt::format("{}不能超过 {} 个字", label, max_chars), field, "too_long");
  return v;
}

// The phone with spaces and '-' kept only as typed in a fixed-line number.
std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '-') out.push_back(c);
  return out;
}

Result<Reporter> CheckReporter(const Reporter& in, EpochSeconds now) {
  Reporter r;
  r.name = FZ_TRY(Text(in.name, "报案人姓名", "reporter_name", 32, true));
  std::string id = Trim(in.id_number);
  if (!id.empty() && (id.back() == 'x')) id.back() = 'X';
  if (!id.empty()) {
    if (!auth::IsValidIdNumber(id))
      return Invalid("身份证号格式或校验位不正确（应为 18 位，末位为 GB 11643 校验码）", "reporter_id_number",
                     "invalid_id_number");
    if (!IdBirthDateValid(id, now))
      return Invalid("身份证号中的出生日期不存在", "reporter_id_number", "invalid_birth_date");
  }
  r.id_number = id;
  r.phone = Digits(Trim(in.phone));
  if (r.phone.empty()) return Invalid("联系电话不能为空", "reporter_phone", "required");
  if (!IsPhoneNumber(r.phone))
    return Invalid("联系电话不是有效的号码（11 位手机号或带区号的固定电话）", "reporter_phone", "invalid_phone");
  return r;
}

audit::Entry Audit(const std::string& action, const Ticket& t, std::string summary,
                   nlohmann::json detail = nlohmann::json::object()) {
  return {"intake." + action, "intake_ticket", std::to_string(t.id), std::move(summary), std::move(detail)};
}

Result<org::UnitRef> UnitInReach(soci::session& sql, const Reach& reach, std::int64_t id) {
  auto u = org::ReadUnit(sql, id);
  if (!u || !Under(u->path, reach.path))
    return Fail(ErrorCode::kNotFound, "分流单位不存在或不在您的管辖范围内", "unit_id", "not_found");
  return *u;
}

Result<void> PersonInBureau(soci::session& sql, std::optional<std::int64_t> id, std::int64_t bureau_id,
                            const char* label, const char* field) {
  if (!id) return {};
  auto p = org::ReadPerson(sql, *id);
  if (!p || p->bureau_id != bureau_id)
    return Fail(ErrorCode::kNotFound, fmt::format("{}不存在或不在本分局", label), field, "not_found");
  return {};
}

std::string Prefix(const std::string& text, int chars) {
  const std::string p = Utf8Prefix(text, chars);
  return p;
}

// 督办 source "intake": a complaint about an officer.
class ComplaintOrderSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "intake"; }
  std::string_view Name() const override { return "群众投诉"; }
  std::string WebPath(std::int64_t id) const override { return fmt::format("/intake/tickets/{}", id); }
  Result<orders::SourceInfo> Describe(soci::session& sql, const Principal& who, std::int64_t id) const override {
    auto row = store::LoadTicket(sql, id);
    if (!row || row->t.kind != "complaint" || !row->t.subject_person_id) return NotFound("投诉不存在");
    auto person = org::ReadPerson(sql, *row->t.subject_person_id);
    auto unit = person ? org::ReadUnit(sql, person->unit_id) : std::nullopt;
    const Reach reach = ReachOf(sql, who);
    if (!Visible(*row, reach) && !(unit && Under(unit->path, reach.path))) return NotFound("投诉不存在");
    return orders::SourceInfo{.bureau_id = row->t.bureau_id,
                              .unit_id = unit ? unit->id : row->t.desk_unit_id,
                              .case_id = std::nullopt,
                              .title = fmt::format("群众投诉 {}：{}", row->t.ticket_no, Prefix(row->t.summary, 40)),
                              .problem_type = "群众投诉",
                              .responsible_person_id = row->t.subject_person_id};
  }
};

}  // namespace

std::unique_ptr<orders::OrderSource> MakeComplaintOrderSource() { return std::make_unique<ComplaintOrderSource>(); }

bool IdBirthDateValid(std::string_view id, EpochSeconds today) {
  if (id.size() < 14) return false;
  int v[8];
  for (int i = 0; i < 8; ++i) {
    const char c = id[6 + i];
    if (c < '0' || c > '9') return false;
    v[i] = c - '0';
  }
  const CivilDate d{v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], v[4] * 10 + v[5], v[6] * 10 + v[7]};
  if (!IsValidDate(d) || d.year < 1900) return false;
  return d <= LocalDateOf(today);
}

bool IsPhoneNumber(std::string_view phone) {
  if (auth::IsValidMobile(phone)) return true;
  // 0 + area code (2–3 digits) + 7–8 digits: 10 to 12 digits in all.
  if (phone.size() < 10 || phone.size() > 12 || phone[0] != '0' || phone[1] == '0') return false;
  return std::all_of(phone.begin(), phone.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string NewQueryCode() {
  std::string out;
  for (int i = 0; i < kCodeSymbols; ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
  }
  return out;
}

std::string NormalizeQueryCode(std::string_view typed) {
  std::string sym;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kAlphabet.find(c) == std::string_view::npos) return "";
    sym.push_back(c);
    if (sym.size() > kCodeSymbols) return "";
  }
  if (sym.size() != kCodeSymbols) return "";
  std::string out;
  for (int i = 0; i < kCodeSymbols; ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(sym[i]);
  }
  return out;
}

const RoutingRule* MatchRule(const std::vector<RoutingRule>& rules, const std::string& kind,
                             const std::string& category, const std::string& place) {
  const RoutingRule* best = nullptr;
  int best_score = -1;
  for (const auto& r : rules) {
    if (!r.kind.empty() && r.kind != kind) continue;
    if (!r.category.empty() && r.category != category) continue;
    if (!r.place.empty() && place.find(r.place) == std::string::npos) continue;
    const int score = (r.kind.empty() ? 0 : 1) + (r.category.empty() ? 0 : 1) + (r.place.empty() ? 0 : 1);
    if (!best || score > best_score ||
        (score == best_score && (r.priority < best->priority || (r.priority == best->priority && r.id < best->id)))) {
      best = &r;
      best_score = score;
    }
  }
  return best;
}

IntakeService::IntakeService(db::Database& db, const Clock& clock, const auth::Vault& vault)
    : db_(db), clock_(clock), vault_(vault), files_(db), dummy_sealed_(vault.Encrypt("00000000000")) {}

namespace {
// Drops the entries older than `window` and tells whether `limit` remain.
bool Full(std::vector<EpochSeconds>& hits, EpochSeconds now, EpochSeconds window, int limit) {
  std::erase_if(hits, [&](EpochSeconds t) { return t <= now - window; });
  return static_cast<int>(hits.size()) >= limit;
}
}  // namespace

Result<PublicProgress> IntakeService::Lookup(const std::string& typed_code, const std::string& last4,
                                             const std::string& ip) {
  const EpochSeconds now = clock_.Now();
  const std::string code = NormalizeQueryCode(typed_code);
  const auto refused = [] {
    return Fail(ErrorCode::kNotFound, "查询码或电话号码后四位不正确，请核对回执后重试", "", "not_found");
  };
  const bool digits =
      last4.size() == 4 && std::all_of(last4.begin(), last4.end(), [](char c) { return c >= '0' && c <= '9'; });
  {
    std::lock_guard lock(limit_mu_);
    if (by_ip_.size() > 100000) by_ip_.clear();  // bound memory under a spray of addresses
    if (by_code_.size() > 100000) by_code_.clear();
    auto& hits = by_ip_[ip];
    if (Full(hits, now, 60, limits_.per_ip_per_minute))
      return Fail(ErrorCode::kTooManyRequests, "查询过于频繁，请一分钟后再试", "", "rate_limited");
    hits.push_back(now);
    if (!code.empty() && Full(by_code_[code], now, 3600, limits_.per_code_failures_per_hour))
      return Fail(ErrorCode::kTooManyRequests, "该查询码核对错误次数过多，请一小时后再试或致电接报案大厅", "",
                  "rate_limited");
  }
  if (code.empty())
    return Invalid("查询码应为回执上的 16 位字母数字（如 ABCD-EFGH-JKLM-NPQR）", "code", "invalid_code");
  if (!digits) return Invalid("请填写登记电话号码的后四位数字", "phone_last4", "invalid_phone_last4");
  struct Found {
    bool match = false;
    PublicProgress p;
  };
  const Found found = db_.Read([&](soci::session& sql) {
    Found f;
    auto row = store::LoadByQueryIndex(sql, vault_.BlindIndex(code));
    // The same work whether or not the code exists: one decryption and one comparison.
    const auto phone = vault_.Decrypt(row ? row->phone_enc : dummy_sealed_);
    const std::string tail = phone && phone->size() >= 4 ? phone->substr(phone->size() - 4) : std::string("????");
    unsigned char diff = 0;
    for (int i = 0; i < 4; ++i) diff |= static_cast<unsigned char>(tail[i] ^ last4[i]);
    if (!row || diff != 0) return f;
    f.match = true;
    const Ticket& t = row->t;
    f.p = {.ticket_no = t.ticket_no,
           .kind_name = KindName(t.kind),
           .status_name = "",
           .received_at = t.received_at,
           .routed_at = t.routed_at,
           .decided_at = t.decided_at,
           .concluded_at = t.concluded_at,
           .feedback_at = t.feedback_at,
           .due_at = t.due_at,
           .unit_name = t.unit_name,
           .accepted = t.accepted,
           .outcome = t.outcome,
           .hall_phone = store::LoadSettings(sql).hall_phone};
    f.p.status_name = t.status;
    return f;
  });
  if (!found.match) {
    std::lock_guard lock(limit_mu_);
    by_code_[code].push_back(now);
    return refused();
  }
  return found.p;
}

std::pair<EpochSeconds, std::string> IntakeService::DueFor(const std::string& kind, const std::string& case_type,
                                                           EpochSeconds from, const IntakeSettings& s) const {
  std::shared_ptr<const oversight::RuleSet> rules = oversight_ ? oversight_->Rules() : nullptr;
  const supervision::Catalog& catalog = rules ? rules->catalog : supervision::ShippedCatalog();
  const supervision::Calendar& calendar = rules ? rules->calendar : supervision::ShippedCalendar();
  if (kind == "report") {
    // The legal limit of the 受案 (ADM-ACCEPT-01) or 立案 (CRIM-FILE-01) decision, as the rule catalog
    // in force says: the same rule the supervision engine applies to the case afterwards.
    const std::string id = case_type == "criminal" ? "CRIM-FILE-01" : "ADM-ACCEPT-01";
    const int i = catalog.FindRule(id);
    if (i >= 0) {
      const auto& rule = catalog.rules[static_cast<std::size_t>(i)];
      return {
          supervision::ComputeDue(from, rule.limit, 0, rule.holiday_roll, catalog.settings.hour_reading, calendar),
          fmt::format("{} {}（{}{}）", rule.id, rule.name, rule.limit.value, supervision::TimeUnitZh(rule.limit.unit))};
    }
  }
  const int days = kind == "complaint" ? s.complaint_days : kind == "consult" ? s.consult_days : s.help_days;
  const supervision::Period p{.value = days, .unit = supervision::TimeUnit::kDays};
  return {supervision::ComputeDue(from, p, 0, true, catalog.settings.hour_reading, calendar),
          fmt::format("{}办理期限 {} 日（接报案大厅设置）", KindName(kind), days)};
}

Ticket IntakeService::Load(soci::session& sql, std::int64_t id) const {
  auto row = store::LoadTicket(sql, id, clock_.Now());
  Ticket t = std::move(row->t);
  t.reporter = {.name = "", .id_number = "", .phone = ""};
  if (auto name = vault_.Decrypt(row->name_enc)) {
    // 姓名 masked to its first character: "张**".
    const unsigned char lead = name->empty() ? 0 : static_cast<unsigned char>((*name)[0]);
    const std::size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    std::string masked = name->substr(0, std::min(len, name->size()));
    for (std::ptrdiff_t i = 1; i < Utf8Length(*name); ++i) masked += "*";
    t.reporter.name = masked;
  }
  if (!row->id_enc.empty())
    if (auto v = vault_.Decrypt(row->id_enc)) t.reporter.id_number = auth::MaskIdNumber(*v);
  if (auto v = vault_.Decrypt(row->phone_enc)) t.reporter.phone = auth::MaskPhone(*v);
  t.evidence = store::LoadEvidence(sql, id);
  std::vector<std::int64_t> ids;
  for (const auto& e : t.evidence) ids.push_back(e.id);
  for (const auto& f : files_.List(sql, "intake_evidence", ids))
    for (auto& e : t.evidence)
      if (e.id == f.owner_id)
        e.files.push_back({.id = f.id, .filename = f.filename, .content_type = f.content_type, .size = f.size});
  t.history = store::LoadHistory(sql, id);
  return t;
}

namespace {

// The caller's hall (see the header).
Result<org::UnitRef> DefaultHall(soci::session& sql, const Principal& who) {
  auto own = org::ReadUnit(sql, who.unit_id);
  if (!own || own->bureau_id == 0) return Invalid("您的账号不属于任何分局，没有值班表", "", "no_bureau");
  if (IsHallUnit(*own)) return *own;
  const bool bureau_level =
      own->level == "bureau" || (own->level == "team" && org::IsLegalUnit(own->name, own->category));
  if (!bureau_level) return *own;
  auto bureau = own->level == "bureau" ? own : org::ReadUnit(sql, own->bureau_id);
  if (!bureau) return *own;
  for (const auto& u : org::ReadUnitsUnder(sql, bureau->path))
    if (u.level == "team" && u.bureau_id == bureau->id && IsHallUnit(u)) return u;
  return *bureau;
}

Result<org::UnitRef> HallOf(soci::session& sql, const Principal& who, std::optional<std::int64_t> hall_id) {
  if (!hall_id) return DefaultHall(sql, who);
  auto u = org::ReadUnit(sql, *hall_id);
  if (!u || !Under(u->path, ReachOf(sql, who).path) || u->bureau_id == 0)
    return Fail(ErrorCode::kNotFound, "接报案大厅（单位）不存在或不在您的管辖范围内", "hall_id", "not_found");
  return *u;
}

// An active person whose unit lies within reach.
bool PersonReachable(soci::session& sql, const Reach& reach, std::int64_t person_id) {
  auto p = org::ReadPerson(sql, person_id);
  auto unit = p ? org::ReadUnit(sql, p->unit_id) : std::nullopt;
  return p && p->active && unit && Under(unit->path, reach.path);
}

// The first person on duty in the caller's hall at `at` who is within his reach.
std::optional<std::int64_t> RosteredOfficer(soci::session& sql, const Principal& who, const Reach& reach,
                                            EpochSeconds at) {
  auto hall = DefaultHall(sql, who);
  if (!hall) return std::nullopt;
  auto shift = store::ShiftAt(sql, hall->id, at);
  if (!shift) return std::nullopt;
  for (const auto& p : shift->people)
    if (PersonReachable(sql, reach, p.person_id)) return p.person_id;
  return std::nullopt;
}

// The registration form, checked before anything is read or written: every refusal names its field.
struct CheckedTicket {
  std::string case_type, category, summary, place, reason;
  Reporter reporter;
  EpochSeconds received = 0;
  std::vector<std::string> evidence;
};

Result<CheckedTicket> CheckTicket(const TicketInput& in, EpochSeconds now) {
  CheckedTicket c;
  if (std::find(kKinds.begin(), kKinds.end(), in.kind) == kKinds.end())
    return Invalid("接报类型只能是 report（报案）、complaint（投诉）、consult（咨询）或 help（求助）", "kind",
                   "invalid_value");
  if (in.kind == "report") {
    if (std::find(kCaseTypes.begin(), kCaseTypes.end(), in.case_type) == kCaseTypes.end())
      return Invalid("报案须选择案件类型：criminal（刑事）或 administrative（行政）", "case_type",
                     in.case_type.empty() ? "required" : "invalid_value");
    c.case_type = in.case_type;
  }
  c.category = FZ_TRY(Text(in.category, "类别", "category", 32, false));
  c.reporter = FZ_TRY(CheckReporter(in.reporter, now));
  c.summary = FZ_TRY(Text(in.summary, "事由（发生了什么）", "summary", 2000, true));
  c.place = FZ_TRY(Text(in.place, "发生地点", "place", 200, false));
  c.received = in.received_at.value_or(now);
  if (c.received > now + 300 || c.received < now - 366LL * 86400)
    return Invalid("接报时间不能晚于现在，也不能早于一年前", "received_at", "out_of_range");
  if (in.occurred_at && *in.occurred_at > c.received + 300)
    return Invalid("发生时间不能晚于接报时间", "occurred_at", "out_of_range");
  if (in.subject_person_id && in.kind != "complaint")
    return Invalid("只有投诉可以填写被投诉民警", "subject_person_id", "invalid_value");
  if (in.evidence.size() > 20) return Invalid("当场取证最多登记 20 项", "evidence", "too_many");
  for (const auto& e : in.evidence) c.evidence.push_back(FZ_TRY(Text(e, "取证内容", "evidence", 200, true)));
  c.reason = FZ_TRY(Text(in.route_reason, "改派理由", "route_reason", 200, false));
  return c;
}

// Routes a ticket just registered to `target` (by the matching rule, or by hand with a reason) with
// its deadline (due, and the basis of it), history line and audit entry.
void RouteRegistered(soci::session& sql, const Clock& clock, const Principal& who, const audit::Actor& actor,
                     const Ticket& t, const org::UnitRef& target, const RoutingRule* rule, const std::string& reason,
                     const std::pair<EpochSeconds, std::string>& deadline, EpochSeconds now) {
  const auto& [due, basis] = deadline;
  const std::optional<std::int64_t> rule_id =
      rule && rule->unit_id == target.id ? std::optional<std::int64_t>(rule->id) : std::nullopt;
  store::SetRoute(sql, t.id, target.id, rule_id, reason, now, due, basis, "routed", now);
  const std::string note = fmt::format("分流至{}{}，期限 {}", target.name,
                                       rule_id          ? "（按分流规则）"
                                       : reason.empty() ? ""
                                                        : "，理由：" + reason,
                                       FormatLocalDateTime(due));
  store::AddHistory(sql, t, who.user_id, NameOf(who), "route", "routed", note, now);
  audit::Append(sql, clock, actor,
                Audit("route", t, fmt::format("接报 {} {}", t.ticket_no, note),
                      {{"unit_id", target.id},
                       {"rule_id", rule_id ? nlohmann::json(*rule_id) : nlohmann::json()},
                       {"reason", reason},
                       {"due_at", due}}));
}

}  // namespace

Result<Registered> IntakeService::Register(const Principal& who, const audit::Actor& actor, const TicketInput& in) {
  FZ_CHECK(Need(who, auth::perm::kIntakeDo, "登记接报案"));
  const EpochSeconds now = clock_.Now();
  const CheckedTicket checked = FZ_TRY(CheckTicket(in, now));
  const std::string& case_type = checked.case_type;
  const std::string& category = checked.category;
  const std::string& summary = checked.summary;
  const std::string& place = checked.place;
  const std::string& reason = checked.reason;
  const Reporter& reporter = checked.reporter;
  const EpochSeconds received = checked.received;
  const std::vector<std::string>& evidence = checked.evidence;
  const std::string code = NewQueryCode();

  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    const Reach reach = ReachOf(sql, who);
    auto desk = org::ReadUnit(sql, who.unit_id);
    if (!desk || desk->bureau_id == 0) return Invalid("您的账号不属于任何分局，不能登记接报案", "", "no_bureau");
    FZ_CHECK(PersonInBureau(sql, in.subject_person_id, desk->bureau_id, "被投诉民警", "subject_person_id"));
    // 值班民警: the one named (within reach), else whoever the hall's roster has on duty then.
    std::optional<std::int64_t> duty = in.duty_person_id;
    if (duty && !PersonReachable(sql, reach, *duty))
      return Fail(ErrorCode::kNotFound, "值班民警不存在、已停用或不在您的管辖范围内", "duty_person_id", "not_found");
    if (!duty) duty = RosteredOfficer(sql, who, reach, received);
    const auto rules = store::ListRules(sql, desk->bureau_id);
    const RoutingRule* rule = MatchRule(rules, in.kind, category, place);
    std::optional<org::UnitRef> target;
    if (in.unit_id) {
      target = FZ_TRY(UnitInReach(sql, reach, *in.unit_id));
      if (rule && rule->unit_id != *in.unit_id && reason.empty())
        return Invalid(fmt::format("分流规则指向“{}”，改派到其他单位须填写理由", rule->unit_name), "route_reason",
                       "reason_required");
    } else if (rule) {
      auto u = org::ReadUnit(sql, rule->unit_id);
      if (u && Under(u->path, reach.path)) target = *u;
    }
    db::LockRowForUpdate(sql, "units", desk->bureau_id);  // one ticket number at a time per bureau
    store::TicketRow row;
    Ticket& t = row.t;
    t.bureau_id = desk->bureau_id;
    t.ticket_no = store::NextTicketNo(sql, desk->bureau_id, received);
    t.kind = in.kind;
    t.case_type = case_type;
    t.category = category;
    t.summary = summary;
    t.occurred_at = in.occurred_at;
    t.place = place;
    t.subject_person_id = in.subject_person_id;
    t.duty_person_id = duty;
    t.desk_unit_id = desk->id;
    t.received_at = received;
    row.clerk_user_id = who.user_id;
    row.query_index = vault_.BlindIndex(code);
    row.query_code_enc = vault_.Encrypt(code);
    row.name_enc = vault_.Encrypt(reporter.name);
    row.id_enc = reporter.id_number.empty() ? "" : vault_.Encrypt(reporter.id_number);
    row.phone_enc = vault_.Encrypt(reporter.phone);
    t.id = store::InsertTicket(sql, row, now);
    store::AddHistory(sql, t, who.user_id, NameOf(who), "register", "registered",
                      fmt::format("{}登记，{}", KindName(t.kind),
                                  evidence.empty() ? "未当场取证" : fmt::format("当场取证 {} 项", evidence.size())),
                      now);
    for (const auto& e : evidence) store::InsertEvidence(sql, t.bureau_id, t.id, e, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("register", t, fmt::format("登记{} {}", KindName(t.kind), t.ticket_no),
                        {{"after",
                          {{"kind", t.kind},
                           {"category", category},
                           {"reporter_name", "*"},
                           {"reporter_id_number", auth::MaskIdNumber(reporter.id_number)},
                           {"reporter_phone", auth::MaskPhone(reporter.phone)},
                           {"evidence", evidence.size()}}}}));
    if (target)
      RouteRegistered(sql, clock_, who, actor, t, *target, rule, reason,
                      DueFor(t.kind, case_type, received, store::LoadSettings(sql)), now);
    if (t.kind == "complaint" && t.subject_person_id && orders_) {
      // A complaint about an officer enters the 督办 loop at once (same transaction).
      const IntakeSettings settings = store::LoadSettings(sql);
      const EpochSeconds deadline = std::max(DueFor(t.kind, "", received, settings).first, now + 86400);
      const orders::Order order =
          FZ_TRY(orders_->IssueIn(sql, who, actor,
                                  {.source = "intake",
                                   .source_id = t.id,
                                   .case_id = std::nullopt,
                                   .problem_type = "群众投诉",
                                   .opinion = fmt::format("群众投诉（{}）：{}。请核查事实，整改并如实说明。",
                                                          t.ticket_no, Prefix(summary, 200)),
                                   .responsible_person_id = t.subject_person_id,
                                   .deadline = deadline}));
      store::SetLinks(sql, t.id, std::nullopt, std::nullopt, order.id, now);
      store::AddHistory(sql, t, who.user_id, NameOf(who), "order", target ? "routed" : "registered",
                        fmt::format("投诉涉及民警，已转督办（督办单 {}）", order.id), now);
    }
    return t.id;
  }));
  Registered out;
  out.query_code = code;
  out.ticket = db_.Read([&](soci::session& sql) { return Load(sql, id); });
  return out;
}

Result<Ticket> IntakeService::Get(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看接报案"));
  return db_.Read([&](soci::session& sql) -> Result<Ticket> {
    auto row = store::LoadTicket(sql, id);
    if (!row || !Visible(*row, ReachOf(sql, who))) return NotFound("接报案记录不存在");
    return Load(sql, id);
  });
}

Result<Reporter> IntakeService::ReadReporter(const Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Need(who, auth::perm::kIntakeDo, "查看报案人信息"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Reporter> {
    auto row = store::LoadTicket(sql, id);
    if (!row || !Visible(*row, ReachOf(sql, who))) return NotFound("接报案记录不存在");
    Reporter r;
    r.name = FZ_TRY(vault_.Decrypt(row->name_enc));
    if (!row->id_enc.empty()) r.id_number = FZ_TRY(vault_.Decrypt(row->id_enc));
    r.phone = FZ_TRY(vault_.Decrypt(row->phone_enc));
    // Reading personal data in clear is itself recorded (全程留痕).
    store::AddHistory(sql, row->t, who.user_id, NameOf(who), "read_pii", row->t.status, "查看报案人身份信息", now);
    audit::Append(
        sql, clock_, actor,
        Audit("read_pii", row->t, fmt::format("查看接报 {} 报案人姓名、身份证号、联系电话", row->t.ticket_no)));
    return r;
  });
}

Result<Paged<Ticket>> IntakeService::List(const Principal& who, const TicketFilter& f, const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看接报案"));
  const EpochSeconds now = clock_.Now();
  return db_.Read([&](soci::session& sql) -> Result<Paged<Ticket>> {
    const Reach reach = ReachOf(sql, who);
    auto list = store::ListTickets(sql, reach.path, f, page, now);
    for (auto& t : list.items) {
      t.reporter.name = t.reporter.id_number = t.reporter.phone = "";
    }
    return list;
  });
}

Result<Ticket> IntakeService::Step(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                   const std::function<Result<std::string>(soci::session&, Ticket&)>& change) {
  FZ_CHECK(Need(who, auth::perm::kIntakeDo, "办理接报案"));
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    store::LockTicket(sql, id);
    auto row = store::LoadTicket(sql, id, now);
    if (!row || !Visible(*row, ReachOf(sql, who))) return NotFound("接报案记录不存在");
    Ticket& t = row->t;
    const std::string before = t.status;
    const std::string action = FZ_TRY(change(sql, t));
    auto after = store::LoadTicket(sql, id, now);
    const std::string note = t.accept_note;  // the change leaves its history note here
    store::AddHistory(sql, after->t, who.user_id, NameOf(who), action, after->t.status, note, now);
    audit::Append(
        sql, clock_, actor,
        Audit(action, after->t,
              fmt::format("接报 {} {}{}", after->t.ticket_no, ActionName(action), note.empty() ? "" : "：" + note),
              {{"before", {{"status", before}}}, {"after", {{"status", after->t.status}}}}));
    return {};
  }));
  return Get(who, id);
}

namespace {
Result<void> NeedStatus(const Ticket& t, std::initializer_list<std::string_view> allowed, const char* what) {
  for (auto s : allowed)
    if (t.status == s) return {};
  return Conflict(fmt::format("接报 {} 当前状态不能{}", t.ticket_no, what), "wrong_status");
}
}  // namespace

Result<Ticket> IntakeService::Route(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                    std::int64_t unit_id, const std::string& raw_reason) {
  const std::string reason = FZ_TRY(Text(raw_reason, "改派理由", "reason", 200, false));
  const EpochSeconds now = clock_.Now();
  return Step(who, actor, id, [&](soci::session& sql, Ticket& t) -> Result<std::string> {
    FZ_CHECK(NeedStatus(t, {"registered", "routed"}, "分流"));
    const org::UnitRef unit = FZ_TRY(UnitInReach(sql, ReachOf(sql, who), unit_id));
    const auto rules = store::ListRules(sql, t.bureau_id);
    const RoutingRule* rule = MatchRule(rules, t.kind, t.category, t.place);
    const bool by_rule = rule && rule->unit_id == unit.id;
    if (!by_rule && reason.empty())
      return Invalid(rule ? fmt::format("分流规则指向“{}”，改派到其他单位须填写理由", rule->unit_name)
                          : std::string("人工分流须填写理由"),
                     "reason", "reason_required");
    const auto [due, basis] = DueFor(t.kind, t.case_type, now, store::LoadSettings(sql));
    store::SetRoute(sql, t.id, unit.id, by_rule ? std::optional<std::int64_t>(rule->id) : std::nullopt, reason, now,
                    due, basis, "routed", now);
    t.accept_note = fmt::format("分流至{}{}，期限 {}", unit.name, by_rule ? "（按分流规则）" : "，理由：" + reason,
                                FormatLocalDateTime(due));
    return std::string("route");
  });
}

Result<Ticket> IntakeService::Decide(const Principal& who, const audit::Actor& actor, std::int64_t id, bool accepted,
                                     const std::string& raw_note) {
  const std::string note = FZ_TRY(Text(raw_note, "说明", "note", 500, !accepted));
  const EpochSeconds now = clock_.Now();
  return Step(who, actor, id, [&](soci::session& sql, Ticket& t) -> Result<std::string> {
    FZ_CHECK(NeedStatus(t, {"routed"}, accepted ? "受理" : "不予受理"));
    store::SetDecision(sql, t.id, accepted, note, now);
    t.accept_note = note;
    return std::string(accepted ? "accept" : "decline");
  });
}

Result<Ticket> IntakeService::Conclude(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                       const std::string& raw_outcome, std::optional<bool> substantiated) {
  const std::string outcome = FZ_TRY(Text(raw_outcome, "办理结果", "outcome", 1000, true));
  const EpochSeconds now = clock_.Now();
  return Step(who, actor, id, [&](soci::session& sql, Ticket& t) -> Result<std::string> {
    FZ_CHECK(NeedStatus(t, {"routed", "accepted", "declined"}, "办结"));
    if (t.kind == "report" && t.status == "routed")
      return Conflict(fmt::format("报案 {} 须先作出受理或不予受理决定", t.ticket_no), "decision_required");
    if (substantiated && t.kind != "complaint")
      return Invalid("只有投诉可以认定是否属实", "substantiated", "invalid_value");
    store::SetOutcome(sql, t.id, outcome, substantiated, now);
    t.accept_note = outcome;
    return std::string("conclude");
  });
}

Result<Ticket> IntakeService::Feedback(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                       const std::string& method, std::optional<EpochSeconds> at,
                                       const std::string& raw_text, std::optional<int> satisfaction) {
  if (std::find(kFeedbackMethods.begin(), kFeedbackMethods.end(), method) == kFeedbackMethods.end())
    return Invalid("反馈方式只能是 phone（电话）、sms（短信）、in_person（当面）或 letter（书面）", "method",
                   method.empty() ? "required" : "invalid_value");
  const std::string text = FZ_TRY(Text(raw_text, "反馈内容", "text", 1000, true));
  if (satisfaction && (*satisfaction < 1 || *satisfaction > 5))
    return Invalid("满意度应为 1 到 5", "satisfaction", "out_of_range");
  const EpochSeconds now = clock_.Now();
  const EpochSeconds when = at.value_or(now);
  if (when > now + 300) return Invalid("反馈时间不能晚于现在", "at", "out_of_range");
  return Step(who, actor, id, [&](soci::session& sql, Ticket& t) -> Result<std::string> {
    FZ_CHECK(NeedStatus(t, {"concluded"}, "反馈"));
    if (t.concluded_at && when < *t.concluded_at) return Invalid("反馈时间不能早于办结时间", "at", "out_of_range");
    store::SetFeedback(sql, t.id, method, when, text, satisfaction, now);
    t.accept_note = text + (satisfaction ? fmt::format("（满意度 {}）", *satisfaction) : "");
    return std::string("feedback");
  });
}

Result<Ticket> IntakeService::Reopen(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                     const std::string& raw_reason) {
  const std::string reason = FZ_TRY(Text(raw_reason, "重新办理理由", "reason", 500, true));
  const EpochSeconds now = clock_.Now();
  return Step(who, actor, id, [&](soci::session& sql, Ticket& t) -> Result<std::string> {
    FZ_CHECK(NeedStatus(t, {"concluded", "closed"}, "重新办理"));
    if (!t.unit_id) return Conflict("尚未分流的接报案不能重新办理", "wrong_status");
    const auto [due, basis] = DueFor(t.kind, t.case_type, now, store::LoadSettings(sql));
    store::Reopen(sql, t.id, due, now);
    t.accept_note = reason;
    return std::string("reopen");
  });
}

Result<Ticket> IntakeService::MakeCase(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                       const CaseFromTicket& in) {
  FZ_CHECK(Need(who, auth::perm::kIntakeDo, "办理接报案"));
  FZ_CHECK(Need(who, auth::perm::kCaseWrite, "立案登记"));
  if (!cases_) return Conflict("案件模块未启用", "cases_disabled");
  if (in.reporter_role != "victim" && in.reporter_role != "witness" && in.reporter_role != "other")
    return Invalid("报案人在案件中的角色只能是 victim（被害人）、witness（证人）或 other（其他）", "reporter_role",
                   "invalid_value");
  const std::string cause_in = FZ_TRY(Text(in.cause, "案由", "cause", 50, false));
  struct Source {
    Ticket t;
    Reporter r;
  };
  const Source src = FZ_TRY(db_.Read([&](soci::session& sql) -> Result<Source> {
    auto row = store::LoadTicket(sql, id);
    if (!row || !Visible(*row, ReachOf(sql, who))) return NotFound("接报案记录不存在");
    const Ticket& t = row->t;
    if (t.kind != "report") return Conflict("只有报案可以转为案件", "not_a_report");
    if (t.case_id) return Conflict(fmt::format("报案 {} 已转为案件", t.ticket_no), "case_exists");
    if (!t.unit_id || (t.status != "routed" && t.status != "accepted"))
      return Conflict(fmt::format("报案 {} 当前状态不能转为案件", t.ticket_no), "wrong_status");
    Reporter r;
    r.name = FZ_TRY(vault_.Decrypt(row->name_enc));
    if (!row->id_enc.empty()) r.id_number = FZ_TRY(vault_.Decrypt(row->id_enc));
    return Source{t, r};
  }));
  const Ticket& t = src.t;
  const std::string cause = cause_in.empty() ? (t.category.empty() ? "其他" : t.category) : cause_in;
  cases::IncidentInput incident{.external_id = "",
                                .unit_id = *t.unit_id,
                                .received_at = t.received_at,
                                .category = t.category.empty() ? cause : t.category,
                                .summary = t.summary,
                                .address = t.place,
                                .result = "转为案件",
                                .body_camera = false,
                                .officer_id = t.duty_person_id ? t.duty_person_id : std::optional(in.lead_officer_id)};
  const cases::Incident inc = FZ_TRY(cases_->CreateIncident(who, actor, incident));
  cases::CaseInput c;
  c.case_type = t.case_type;
  c.cause = cause;
  c.category = t.category.empty() ? std::nullopt : std::optional(t.category);
  c.title = Prefix(fmt::format("{}（接报 {}）", Prefix(t.summary, 40), t.ticket_no), 100);
  c.unit_id = *t.unit_id;
  c.lead_officer_id = in.lead_officer_id;
  c.incident_id = inc.id;
  c.accepted_at = clock_.Now();
  const cases::CaseDetail detail = FZ_TRY(cases_->CreateCase(who, actor, c));
  cases::CasePersonInput person;
  person.name = src.r.name;
  person.role = in.reporter_role;
  person.id_number = src.r.id_number;
  FZ_TRY(cases_->AddPerson(who, actor, detail.header.id, person));
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    store::LockTicket(sql, id);
    store::SetLinks(sql, id, detail.header.id, inc.id, std::nullopt, now);
    const std::string note = fmt::format("转为警情 {}、案件 {}（受案）", inc.external_id, detail.header.external_id);
    if (t.status == "routed") store::SetDecision(sql, id, true, note, now);
    store::AddHistory(sql, t, who.user_id, NameOf(who), "case", "accepted", note, now);
    audit::Append(sql, clock_, actor,
                  Audit("case", t, fmt::format("接报 {} {}", t.ticket_no, note),
                        {{"case_id", detail.header.id}, {"incident_id", inc.id}}));
    return {};
  }));
  return Get(who, id);
}

Result<ReceiptDoc> IntakeService::Receipt(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                          const std::string& request_base) {
  FZ_CHECK(Need(who, auth::perm::kIntakeDo, "打印回执"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<ReceiptDoc> {
    auto row = store::LoadTicket(sql, id);
    if (!row || !Visible(*row, ReachOf(sql, who))) return NotFound("接报案记录不存在");
    const std::string code = FZ_TRY(vault_.Decrypt(row->query_code_enc));
    const IntakeSettings settings = store::LoadSettings(sql);
    std::string base = settings.public_url.empty() ? request_base : settings.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const std::string url = fmt::format("{}/lookup?code={}", base, code);
    store::SetReceiptAt(sql, id, now);
    const bool first = !row->t.receipt_at;
    store::AddHistory(sql, row->t, who.user_id, NameOf(who), "receipt", row->t.status, first ? "出具回执" : "补打回执",
                      now);
    audit::Append(sql, clock_, actor,
                  Audit("receipt", row->t, fmt::format("{}接报 {} 的回执", first ? "出具" : "补打", row->t.ticket_no)));
    const Ticket t = Load(sql, id);
    auto desk = org::ReadUnit(sql, t.desk_unit_id);
    auto bureau = desk ? org::ReadUnit(sql, desk->bureau_id) : std::nullopt;
    const std::string organ = bureau ? bureau->name + (desk->id == bureau->id ? "" : desk->name) : t.desk_unit_name;
    return ReceiptDoc{FZ_TRY(ReceiptDocument(t, code, url, settings.hall_phone, organ, now)), t.ticket_no};
  });
}

Result<Evidence> IntakeService::AddEvidence(const Principal& who, const audit::Actor& actor, std::int64_t ticket_id,
                                            const std::string& raw_description,
                                            const std::vector<files::Upload>& uploads) {
  FZ_CHECK(Need(who, auth::perm::kIntakeDo, "登记取证材料"));
  const std::string description = FZ_TRY(Text(raw_description, "取证内容", "description", 200, true));
  FZ_CHECK(files::CheckUploads(uploads));
  const EpochSeconds now = clock_.Now();
  const std::int64_t eid = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    auto row = store::LoadTicket(sql, ticket_id);
    if (!row || !Visible(*row, ReachOf(sql, who))) return NotFound("接报案记录不存在");
    const std::int64_t e = store::InsertEvidence(sql, row->t.bureau_id, ticket_id, description, who.user_id, now);
    for (const auto& u : uploads)
      FZ_TRY(files_.Put(sql, u, {.type = "intake_evidence", .id = e, .bureau_id = row->t.bureau_id}, who.user_id, now));
    const std::string note = fmt::format("当场取证：{}（附件 {} 个）", description, uploads.size());
    store::AddHistory(sql, row->t, who.user_id, NameOf(who), "evidence", row->t.status, note, now);
    audit::Append(sql, clock_, actor, Audit("evidence", row->t, fmt::format("接报 {} {}", row->t.ticket_no, note)));
    return e;
  }));
  const Ticket t = FZ_TRY(Get(who, ticket_id));
  for (const auto& e : t.evidence)
    if (e.id == eid) return e;
  return NotFound("取证记录不存在");
}

Result<FileDownload> IntakeService::ReadFile(const Principal& who, std::int64_t file_id) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看取证材料"));
  return db_.Read([&](soci::session& sql) -> Result<FileDownload> {
    auto f = files_.Get(sql, file_id);
    if (!f || f->owner_type != "intake_evidence") return NotFound("附件不存在");
    const auto ticket = store::EvidenceTicket(sql, f->owner_id);
    auto row = ticket ? store::LoadTicket(sql, *ticket) : std::nullopt;
    if (!row || !Visible(*row, ReachOf(sql, who))) return NotFound("附件不存在");
    return FileDownload{FZ_TRY(files_.Read(sql, *f)), f->content_type, f->filename};
  });
}

Result<std::vector<std::pair<std::int64_t, std::string>>> IntakeService::Units(const Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看接报案"));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<std::pair<std::int64_t, std::string>>> {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto& u : org::ReadUnitsUnder(sql, ReachOf(sql, who).path)) out.emplace_back(u.id, u.name);
    return out;
  });
}

Result<Stats> IntakeService::Statistics(const Principal& who, EpochSeconds from, EpochSeconds to) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看接报案统计"));
  if (to <= from) return Invalid("统计区间的结束时间应晚于开始时间", "to", "invalid_range");
  if (to - from > 367LL * 86400) return Invalid("统计区间最长一年", "from", "range_too_long");
  const EpochSeconds now = clock_.Now();
  return db_.Read([&](soci::session& sql) -> Result<Stats> {
    return store::ComputeStats(sql, ReachOf(sql, who).path, from, to, now);
  });
}

Result<FileDownload> IntakeService::StatsXlsx(const Principal& who, EpochSeconds from, EpochSeconds to) const {
  const Stats st = FZ_TRY(Statistics(who, from, to));
  using files::Cell;
  std::vector<files::CellRow> kinds = {{"接报类型", "件数"}};
  for (const auto& [k, n] : st.by_kind) kinds.push_back({Cell(KindName(k)), Cell::Int(n)});
  kinds.push_back({Cell::Bold("合计"), Cell::Int(st.total)});
  std::vector<files::CellRow> hours = {{"时段", "件数"}};
  for (int h = 0; h < 24; ++h)
    hours.push_back({Cell(fmt::format("{:02}:00–{:02}:59", h, h)), Cell::Int(st.by_hour[static_cast<std::size_t>(h)])});
  std::vector<files::CellRow> units = {{"承办单位", "件数", "按期", "超期"}};
  for (const auto& u : st.by_unit)
    units.push_back({Cell(u.unit_name), Cell::Int(u.total), Cell::Int(u.met), Cell::Int(u.late)});
  units.push_back({Cell::Bold("合计"), Cell::Int(st.total), Cell::Int(st.met), Cell::Int(st.late)});
  std::vector<files::CellRow> sat = {{"满意度", "件数"}};
  for (int i = 0; i < 5; ++i)
    sat.push_back({Cell(fmt::format("{} 分", i + 1)), Cell::Int(st.satisfaction[static_cast<std::size_t>(i)])});
  auto bytes = FZ_TRY(files::WriteXlsx({files::SheetData("按类型", std::move(kinds), {14, 10}),
                                        files::SheetData("按时段", std::move(hours), {16, 10}),
                                        files::SheetData("按单位", std::move(units), {24, 10, 10, 10}),
                                        files::SheetData("满意度", std::move(sat), {12, 10})}));
  return FileDownload{
      std::move(bytes), files::kXlsx,
      fmt::format("接报案统计（{}至{}）.xlsx", FormatDate(LocalDateOf(from)), FormatDate(LocalDateOf(to - 1)))};
}

Result<std::vector<RoutingRule>> IntakeService::Rules(const Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看分流规则"));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<RoutingRule>> {
    auto desk = org::ReadUnit(sql, who.unit_id);
    if (!desk || desk->bureau_id == 0) return std::vector<RoutingRule>{};
    // Only the rules that route to units within reach: a 派出所 does not learn the others'.
    const Reach reach = ReachOf(sql, who);
    std::vector<RoutingRule> out;
    for (auto& r : store::ListRules(sql, desk->bureau_id))
      if (auto u = org::ReadUnit(sql, r.unit_id); u && Under(u->path, reach.path)) out.push_back(std::move(r));
    return out;
  });
}

Result<std::vector<RoutingRule>> IntakeService::SaveRules(const Principal& who, const audit::Actor& actor,
                                                          std::vector<RoutingRule> rules) {
  FZ_CHECK(Need(who, auth::perm::kIntakeManage, "设置分流规则"));
  FZ_CHECK(CheckBureauWide(who));
  if (rules.size() > 500) return Invalid("分流规则最多 500 条", "rules", "too_many");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto& r = rules[i];
    const std::string field = fmt::format("rules[{}]", i);
    if (!r.kind.empty() && std::find(kKinds.begin(), kKinds.end(), r.kind) == kKinds.end())
      return Invalid(fmt::format("第 {} 条规则的接报类型无效", i + 1), field + ".kind", "invalid_value");
    r.category = FZ_TRY(Text(r.category, "类别", (field + ".category").c_str(), 32, false));
    r.place = FZ_TRY(Text(r.place, "地点关键词", (field + ".place").c_str(), 100, false));
    if (r.priority < 0 || r.priority > 10000)
      return Invalid(fmt::format("第 {} 条规则的优先级应在 0 到 10000 之间", i + 1), field + ".priority",
                     "out_of_range");
  }
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<std::vector<RoutingRule>> {
    const Reach reach = ReachOf(sql, who);
    auto desk = org::ReadUnit(sql, who.unit_id);
    if (!desk || desk->bureau_id == 0) return Invalid("您的账号不属于任何分局", "", "no_bureau");
    for (std::size_t i = 0; i < rules.size(); ++i) {
      auto u = org::ReadUnit(sql, rules[i].unit_id);
      if (!u || !Under(u->path, reach.path) || u->bureau_id != desk->bureau_id)
        return Fail(ErrorCode::kNotFound, fmt::format("第 {} 条规则的分流单位不存在或不在您的管辖范围内", i + 1),
                    fmt::format("rules[{}].unit_id", i), "not_found");
    }
    store::ReplaceRules(sql, desk->bureau_id, rules, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  {"intake.rules",
                   "intake_rules",
                   std::to_string(desk->bureau_id),
                   fmt::format("设置接报案分流规则（{} 条）", rules.size()),
                   {{"count", rules.size()}}});
    return store::ListRules(sql, desk->bureau_id);
  });
}

Result<void> IntakeService::CheckBureauWide(const Principal& who) const {
  if (who.unit_id == 0) return {};  // the system itself
  const bool bureau_level = db_.Read([&](soci::session& sql) { return org::ActsForWholeBureau(sql, who.unit_id); });
  if (bureau_level) return {};
  return Forbidden("分流规则和接报案大厅设置作用于整个分局，只能由分局或法制大队（法制部门）的账号修改",
                   "bureau_level_required");
}

Result<IntakeSettings> IntakeService::Settings(const Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看接报案设置"));
  return db_.Read([&](soci::session& sql) -> Result<IntakeSettings> { return store::LoadSettings(sql); });
}

Result<IntakeSettings> IntakeService::SaveSettings(const Principal& who, const audit::Actor& actor,
                                                   const IntakeSettings& in) {
  FZ_CHECK(Need(who, auth::perm::kIntakeManage, "修改接报案设置"));
  FZ_CHECK(CheckBureauWide(who));
  for (auto [v, label, field] : {std::tuple{in.complaint_days, "投诉办理期限", "complaint_days"},
                                 std::tuple{in.consult_days, "咨询办理期限", "consult_days"},
                                 std::tuple{in.help_days, "求助办理期限", "help_days"}})
    if (v < 1 || v > 90) return Invalid(fmt::format("{}应为 1 到 90 日", label), field, "out_of_range");
  IntakeSettings s = in;
  s.hall_phone = Digits(Trim(in.hall_phone));
  if (!s.hall_phone.empty() && !IsPhoneNumber(s.hall_phone))
    return Invalid("大厅联系电话不是有效的号码", "hall_phone", "invalid_phone");
  s.public_url = Trim(in.public_url);
  if (!s.public_url.empty() && !s.public_url.starts_with("https://") && !s.public_url.starts_with("http://"))
    return Invalid("对外访问地址应以 https:// 或 http:// 开头", "public_url", "invalid_url");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<IntakeSettings> {
    store::SaveSettings(sql, s, now);
    audit::Append(sql, clock_, actor,
                  {"intake.settings",
                   "settings",
                   "intake.settings",
                   "修改接报案大厅设置（办理期限、联系电话）",
                   {{"after",
                     {{"complaint_days", s.complaint_days},
                      {"consult_days", s.consult_days},
                      {"help_days", s.help_days},
                      {"hall_phone", s.hall_phone}}}}});
    return s;
  });
}

// ---- 值班表 ----

namespace {

constexpr int kMaxOnDuty = 10;

// The shift's fields checked (nothing read from the database).
struct CheckedShift {
  std::string name;
  EpochSeconds start_at = 0, end_at = 0;
  std::vector<std::int64_t> person_ids;
};
Result<CheckedShift> CheckShift(const ShiftInput& in, EpochSeconds now) {
  CheckedShift c;
  c.name = FZ_TRY(Text(in.name, "班次名称", "name", 10, true));
  if (in.start_at < 946684800 || in.start_at > now + 400LL * 86400)
    return Invalid("班次开始时间不在可排班的范围内（2000 年以后、一年以内）", "start_at", "out_of_range");
  if (in.end_at <= in.start_at) return Invalid("班次结束时间应晚于开始时间", "end_at", "invalid_range");
  if (in.end_at - in.start_at > 86400) return Invalid("一个班次最长 24 小时", "end_at", "too_long");
  if (in.person_ids.empty()) return Invalid("请至少安排一名值班人员", "person_ids", "required");
  if (in.person_ids.size() > kMaxOnDuty)
    return Invalid(fmt::format("一个班次最多安排 {} 名值班人员", kMaxOnDuty), "person_ids", "too_many");
  for (std::size_t i = 0; i < in.person_ids.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (in.person_ids[i] == in.person_ids[j])
        return Invalid("同一班次中同一人员只能安排一次", "person_ids", "duplicate");
  c.start_at = in.start_at;
  c.end_at = in.end_at;
  c.person_ids = in.person_ids;
  return c;
}

// Every person active, of the hall's bureau and within the editor's reach; no one already on duty
// during the shift (another shift of the bureau, `except` left out).
Result<void> CheckOnDuty(soci::session& sql, const Reach& reach, const org::UnitRef& hall, const CheckedShift& c,
                         std::optional<std::int64_t> except) {
  for (std::size_t i = 0; i < c.person_ids.size(); ++i) {
    auto p = org::ReadPerson(sql, c.person_ids[i]);
    auto unit = p ? org::ReadUnit(sql, p->unit_id) : std::nullopt;
    if (!p || !p->active || p->bureau_id != hall.bureau_id || !unit || !Under(unit->path, reach.path))
      return Fail(ErrorCode::kNotFound, fmt::format("第 {} 名值班人员不存在、已停用或不在您的管辖范围内", i + 1),
                  fmt::format("person_ids[{}]", i), "not_found");
  }
  if (auto clash = store::FindClash(sql, hall.bureau_id, c.person_ids, c.start_at, c.end_at, except))
    return Fail(
        ErrorCode::kConflict,
        fmt::format("{} 已排在{}的“{}”（{} 至 {}），同一时间不能重复值班", clash->person_name, clash->hall_name,
                    clash->shift_name, FormatLocalDateTime(clash->start_at), FormatLocalDateTime(clash->end_at)),
        "person_ids", "duty_overlap");
  return {};
}

std::string ShiftText(const DutyShift& s) {
  std::string names;
  for (const auto& p : s.people) names += (names.empty() ? "" : "、") + p.name;
  return fmt::format("{} {} 至 {}：{}", s.name, FormatLocalDateTime(s.start_at), FormatLocalDateTime(s.end_at), names);
}

audit::Entry DutyAudit(const std::string& action, std::int64_t id, std::string summary) {
  return {"intake.duty_" + action, "intake_duty_shift", std::to_string(id), std::move(summary), {}};
}

}  // namespace

Result<DutyRoster> IntakeService::Roster(const Principal& who, std::optional<std::int64_t> hall_id, EpochSeconds from,
                                         EpochSeconds to) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看值班表"));
  if (to <= from) return Invalid("值班表区间的结束日期应晚于开始日期", "to", "invalid_range");
  if (to - from > 62LL * 86400) return Invalid("值班表一次最多查看 62 天", "to", "range_too_long");
  return db_.Read([&](soci::session& sql) -> Result<DutyRoster> {
    const org::UnitRef hall = FZ_TRY(HallOf(sql, who, hall_id));
    return DutyRoster{.hall_unit_id = hall.id,
                      .hall_name = hall.name,
                      .from = from,
                      .to = to,
                      .shifts = store::ListShifts(sql, hall.id, from, to)};
  });
}

Result<DutyShift> IntakeService::AddShift(const Principal& who, const audit::Actor& actor, const ShiftInput& in) {
  FZ_CHECK(Need(who, auth::perm::kIntakeManage, "编排值班表"));
  const EpochSeconds now = clock_.Now();
  const CheckedShift c = FZ_TRY(CheckShift(in, now));
  return db_.Write([&](soci::session& sql) -> Result<DutyShift> {
    const org::UnitRef hall = FZ_TRY(HallOf(sql, who, in.hall_id));
    FZ_CHECK(CheckOnDuty(sql, ReachOf(sql, who), hall, c, std::nullopt));
    const DutyShift draft{.id = 0,
                          .bureau_id = hall.bureau_id,
                          .hall_unit_id = hall.id,
                          .name = c.name,
                          .start_at = c.start_at,
                          .end_at = c.end_at,
                          .people = {}};
    const std::int64_t id = store::InsertShift(sql, draft, c.person_ids, who.user_id, now);
    DutyShift saved = *store::LoadShift(sql, id);
    audit::Append(sql, clock_, actor,
                  DutyAudit("add", id, fmt::format("{}值班表：新增 {}", hall.name, ShiftText(saved))));
    return saved;
  });
}

Result<DutyShift> IntakeService::UpdateShift(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                             const ShiftInput& in) {
  FZ_CHECK(Need(who, auth::perm::kIntakeManage, "编排值班表"));
  const EpochSeconds now = clock_.Now();
  const CheckedShift c = FZ_TRY(CheckShift(in, now));
  return db_.Write([&](soci::session& sql) -> Result<DutyShift> {
    auto before = store::LoadShift(sql, id);
    const Reach reach = ReachOf(sql, who);
    auto hall = before ? org::ReadUnit(sql, before->hall_unit_id) : std::nullopt;
    if (!before || !hall || !Under(hall->path, reach.path)) return NotFound("值班班次不存在");
    FZ_CHECK(CheckOnDuty(sql, reach, *hall, c, id));
    store::UpdateShift(sql, id, c.name, c.start_at, c.end_at, c.person_ids, now);
    DutyShift saved = *store::LoadShift(sql, id);
    audit::Append(
        sql, clock_, actor,
        DutyAudit("update", id, fmt::format("{}值班表：{} 改为 {}", hall->name, ShiftText(*before), ShiftText(saved))));
    return saved;
  });
}

Result<void> IntakeService::DeleteShift(const Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Need(who, auth::perm::kIntakeManage, "编排值班表"));
  return db_.Write([&](soci::session& sql) -> Result<void> {
    auto before = store::LoadShift(sql, id);
    auto hall = before ? org::ReadUnit(sql, before->hall_unit_id) : std::nullopt;
    if (!before || !hall || !Under(hall->path, ReachOf(sql, who).path)) return NotFound("值班班次不存在");
    store::DeleteShift(sql, id);
    audit::Append(sql, clock_, actor,
                  DutyAudit("delete", id, fmt::format("{}值班表：删除 {}", hall->name, ShiftText(*before))));
    return {};
  });
}

Result<int> IntakeService::CopyWeek(const Principal& who, const audit::Actor& actor,
                                    std::optional<std::int64_t> hall_id, EpochSeconds from, EpochSeconds to) {
  FZ_CHECK(Need(who, auth::perm::kIntakeManage, "编排值班表"));
  constexpr EpochSeconds kWeek = 7 * 86400;
  if (to <= from || (to - from) % kWeek != 0)
    return Invalid("复制的目标周应在源周之后整数周（同一星期几开始）", "to", "invalid_range");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<int> {
    const org::UnitRef hall = FZ_TRY(HallOf(sql, who, hall_id));
    const Reach reach = ReachOf(sql, who);
    std::vector<DutyShift> source;
    for (auto& s : store::ListShifts(sql, hall.id, from, from + kWeek))
      if (s.start_at >= from) source.push_back(std::move(s));
    if (source.empty()) return Invalid("源周没有排班，无可复制", "from", "empty_week");
    for (const auto& s : store::ListShifts(sql, hall.id, to, to + kWeek))
      if (s.start_at >= to)
        return Fail(ErrorCode::kConflict, "目标周已有排班，请先删除或逐班修改", "to", "target_not_empty");
    const EpochSeconds shift_by = to - from;
    for (const auto& s : source) {
      CheckedShift c{
          .name = s.name, .start_at = s.start_at + shift_by, .end_at = s.end_at + shift_by, .person_ids = {}};
      for (const auto& p : s.people) c.person_ids.push_back(p.person_id);
      FZ_CHECK(CheckOnDuty(sql, reach, hall, c, std::nullopt));
      const DutyShift draft{.id = 0,
                            .bureau_id = hall.bureau_id,
                            .hall_unit_id = hall.id,
                            .name = c.name,
                            .start_at = c.start_at,
                            .end_at = c.end_at,
                            .people = {}};
      store::InsertShift(sql, draft, c.person_ids, who.user_id, now);
    }
    audit::Append(sql, clock_, actor,
                  {"intake.duty_copy",
                   "intake_duty_shift",
                   std::to_string(hall.id),
                   fmt::format("{}值班表：复制 {} 起一周的 {} 个班次到 {} 起一周", hall.name,
                               FormatDate(LocalDateOf(from)), source.size(), FormatDate(LocalDateOf(to))),
                   {{"from", from}, {"to", to}, {"shifts", source.size()}}});
    return static_cast<int>(source.size());
  });
}

Result<IntakeService::OnDutyAnswer> IntakeService::OnDutyAt(const Principal& who, std::optional<std::int64_t> hall_id,
                                                            std::optional<EpochSeconds> at) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看值班表"));
  const EpochSeconds when = at.value_or(clock_.Now());
  return db_.Read([&](soci::session& sql) -> Result<OnDutyAnswer> {
    const org::UnitRef hall = FZ_TRY(HallOf(sql, who, hall_id));
    OnDutyAnswer out;
    out.duty = {.hall_unit_id = hall.id, .at = when, .shift = store::ShiftAt(sql, hall.id, when)};
    if (!out.duty.shift) return out;
    const Reach reach = ReachOf(sql, who);
    for (const auto& p : out.duty.shift->people) {
      auto person = org::ReadPerson(sql, p.person_id);
      auto unit = person ? org::ReadUnit(sql, person->unit_id) : std::nullopt;
      if (person && person->active && unit && Under(unit->path, reach.path)) {
        out.officer = PersonOption{.id = p.person_id, .name = p.name, .badge_no = p.badge_no, .unit_name = p.unit_name};
        break;
      }
    }
    return out;
  });
}

Result<std::vector<PersonOption>> IntakeService::People(const Principal& who, const std::string& raw_q,
                                                        int limit) const {
  FZ_CHECK(Need(who, auth::perm::kIntakeRead, "查看人员"));
  const std::string q = FZ_TRY(Text(raw_q, "姓名或警号", "q", 20, false));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<PersonOption>> {
    const auto hall = DefaultHall(sql, who);
    return store::PeopleUnder(sql, ReachOf(sql, who).path, hall ? hall->id : 0, q, std::clamp(limit, 1, 100));
  });
}

// ---- deadline alerts ----

namespace {
constexpr EpochSeconds kStaleAfter = 3 * 86400;  // older deadlines are recorded, not pushed to people

std::string WaitingFor(const Ticket& t) { return t.kind == "report" ? "作出受案（立案）决定" : "办结"; }
}  // namespace

Result<DeadlineSweep> IntakeService::NotifyDeadlines() {
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<DeadlineSweep> {
    DeadlineSweep out;
    const auto send = [&](const Ticket& t, bool overdue) {
      notify::Recipients to;
      to.users = store::DeadlineUsers(sql, t.desk_unit_id, t.unit_id);
      if (t.duty_person_id) to.persons.push_back(*t.duty_person_id);
      const std::string what = fmt::format("{} {}：{}（承办单位：{}）", KindName(t.kind), t.ticket_no,
                                           Prefix(t.summary, 40), t.unit_name.empty() ? "未分流" : t.unit_name);
      const std::string body = overdue ? fmt::format("{}\n办理期限 {} 已过，尚未{}。依据：{}", what,
                                                     FormatLocalDateTime(*t.due_at), WaitingFor(t), t.deadline_basis)
                                       : fmt::format("{}\n将于 {} 到期，请在期限内{}。依据：{}", what,
                                                     FormatLocalDateTime(*t.due_at), WaitingFor(t), t.deadline_basis);
      out.notifications += notify::Send(
          sql,
          {.bureau_id = t.bureau_id,
           .kind = overdue ? "intake_overdue" : "intake_due_soon",
           .title = fmt::format("{}：{} {}", overdue ? "接报超期" : "接报即将超期", KindName(t.kind), t.ticket_no),
           .body = body,
           .object_type = "intake_ticket",
           .object_id = t.id,
           .case_id = std::nullopt,
           .dedup_key =
               fmt::format("intake:{}:{}:{}:{}", t.id, overdue ? "overdue" : "due_soon", t.reopen_count, *t.due_at)},
          to, now);
      store::AddHistory(
          sql, t, std::nullopt, "系统", overdue ? "overdue" : "due_soon", t.status,
          overdue ? fmt::format("已超期（期限 {}），已通知承办单位、大厅和值班民警", FormatLocalDateTime(*t.due_at))
                  : fmt::format("即将超期（期限 {}），已提醒承办单位、大厅和值班民警", FormatLocalDateTime(*t.due_at)),
          now);
    };
    for (std::int64_t id : store::OverdueUnnotified(sql, now, 500)) {
      if (!store::MarkOverdueNotified(sql, id, now)) continue;  // another instance took it
      auto row = store::LoadTicket(sql, id, now);
      if (!row || !row->t.due_at) continue;
      if (*row->t.due_at < now - kStaleAfter) {
        ++out.stale;
        continue;
      }
      send(row->t, true);
      ++out.overdue;
    }
    for (std::int64_t id : store::DueSoonUnwarned(sql, now, 500)) {
      if (!store::MarkWarned(sql, id, now)) continue;
      auto row = store::LoadTicket(sql, id, now);
      if (!row || !row->t.due_at) continue;
      send(row->t, false);
      ++out.warned;
    }
    return out;
  });
}

}  // namespace fazhi::intake
