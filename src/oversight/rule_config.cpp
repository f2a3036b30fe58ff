// 监管配置: versioned rule catalogs and holiday calendars. Every save is validated by the engine's
// own loader first (nothing is stored on error); activation swaps the in-memory rule set and marks
// every open case for re-evaluation by the next sweep.
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "org/org_reads.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"
#include "supervision/catalog.h"

namespace fazhi::oversight {

using nlohmann::json;

namespace {

const char* Table(bool catalog) { return catalog ? "rule_catalog_versions" : "calendar_versions"; }
const char* Column(bool catalog) { return catalog ? "catalog" : "calendar"; }
const char* What(bool catalog) { return catalog ? "规则目录" : "节假日日历"; }

// Short description of a document for the audit trail.
json Summary(bool catalog, const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return json::object();
  if (catalog) {
    int enabled = 0, total = 0;
    if (j.contains("rules") && j["rules"].is_array())
      for (const auto& r : j["rules"]) {
        ++total;
        if (r.value("enabled", true)) ++enabled;
      }
    return {{"rules", total}, {"enabled", enabled}};
  }
  auto count = [&](const char* k) { return j.contains(k) && j[k].is_array() ? j[k].size() : 0; };
  return {{"days_off", count("days_off")},
          {"working_days", count("working_days")},
          {"weekends_are_holidays", j.value("weekends_are_holidays", true)}};
}

// What changed between two documents: rule ids added / removed / changed, or calendar entries.
json Diff(bool catalog, const std::string& before, const std::string& after) {
  const json a = json::parse(before, nullptr, false), b = json::parse(after, nullptr, false);
  json out = json::object();
  if (!a.is_object() || !b.is_object()) return out;
  if (catalog) {
    std::map<std::string, json> ra, rb;
    if (a.contains("rules") && a["rules"].is_array())
      for (const auto& r : a["rules"]) ra[r.value("id", "")] = r;
    if (b.contains("rules") && b["rules"].is_array())
      for (const auto& r : b["rules"]) rb[r.value("id", "")] = r;
    json added = json::array(), removed = json::array(), changed = json::array();
    for (const auto& [id, r] : rb) {
      auto it = ra.find(id);
      if (it == ra.end())
        added.push_back(id);
      else if (it->second != r)
        changed.push_back(id);
    }
    for (const auto& [id, r] : ra)
      if (!rb.contains(id)) removed.push_back(id);
    out = {{"rules_added", added}, {"rules_removed", removed}, {"rules_changed", changed}};
    if (a.value("settings", json::object()) != b.value("settings", json::object())) out["settings_changed"] = true;
    return out;
  }
  for (const char* k : {"days_off", "working_days"}) {
    std::set<std::string> sa, sb;
    if (a.contains(k) && a[k].is_array())
      for (const auto& e : a[k]) sa.insert(e.dump());
    if (b.contains(k) && b[k].is_array())
      for (const auto& e : b[k]) sb.insert(e.dump());
    json added = json::array(), removed = json::array();
    for (const auto& e : sb)
      if (!sa.contains(e)) added.push_back(json::parse(e));
    for (const auto& e : sa)
      if (!sb.contains(e)) removed.push_back(json::parse(e));
    out[std::string(k) + "_added"] = added;
    out[std::string(k) + "_removed"] = removed;
  }
  if (a.value("weekends_are_holidays", true) != b.value("weekends_are_holidays", true))
    out["weekends_are_holidays"] = b.value("weekends_are_holidays", true);
  return out;
}

// The active document and its version (0 and "" when none is active).
std::pair<std::int64_t, std::string> ActiveText(soci::session& sql, bool catalog) {
  std::pair<std::int64_t, std::string> out{0, ""};
  db::First(sql,
            fmt::format("SELECT version, {} AS document FROM {} WHERE active = 1 ORDER BY version DESC",
                        Column(catalog), Table(catalog)),
            {}, [&](const db::Row& r) {
              out = {r.Int("version"), r.Str("document")};
            });
  return out;
}

// One stored version's document; nullopt when absent.
std::optional<std::string> VersionText(soci::session& sql, bool catalog, std::int64_t version) {
  db::SqlArgs a;
  return db::ScalarText(
      sql, fmt::format("SELECT {} FROM {} WHERE version = {}", Column(catalog), Table(catalog), a.Int(version)), a);
}

// A period's length in hours for comparing limits (a month counts 30 days, as the 预警 leads do).
std::optional<std::int64_t> PeriodHours(const json& p) {
  if (!p.is_object() || !p.contains("value") || !p["value"].is_number_integer()) return std::nullopt;
  const std::string unit = p.value("unit", "");
  const std::int64_t v = p["value"].get<std::int64_t>();
  if (unit == "hours") return v;
  if (unit == "days") return v * 24;
  if (unit == "months") return v * 30 * 24;
  return std::nullopt;
}

const char* UnitName(const std::string& unit) {
  return unit == "hours" ? "小时" : unit == "days" ? "日" : unit == "months" ? "个月" : "";
}

std::string PeriodText(const json& p) {
  return fmt::format("{}{}", p.value("value", 0), UnitName(p.value("unit", "")));
}

}  // namespace

namespace detail {

json LegalLimits() {
  static const json limits = [] {
    json out = json::object();
    const json shipped = json::parse(supervision::ShippedCatalogJson(), nullptr, false);
    if (!shipped.is_object() || !shipped.contains("rules")) return out;
    for (const auto& r : shipped["rules"])
      if (r.contains("limit") && PeriodHours(r["limit"])) out[r.value("id", "")] = r["limit"];
    return out;
  }();
  return limits;
}

Result<void> CheckLegalBounds(const std::string& catalog_text) {
  const json doc = json::parse(catalog_text, nullptr, false);
  if (!doc.is_object() || !doc.contains("rules") || !doc["rules"].is_array()) return {};
  const json legal = LegalLimits();
  std::size_t i = 0;
  for (const auto& r : doc["rules"]) {
    const std::string at = fmt::format("rules[{}]", i++);
    const std::string id = r.value("id", "");
    const std::string name = r.value("name", id);
    std::optional<std::int64_t> limit_hours;
    if (r.contains("limit")) limit_hours = PeriodHours(r["limit"]);
    if (auto it = legal.find(id); it != legal.end()) {
      const std::int64_t max_hours = *PeriodHours(*it);
      if (!limit_hours || *limit_hours > max_hours || *limit_hours < 1)
        return Invalid(fmt::format("规则 {}（{}）的期限只能设为 1 至法定的 {} 以内（{}）", id, name, PeriodText(*it),
                                   r.value("legal_basis", "")),
                       at + ".limit", "beyond_legal_limit");
    }
    if (r.contains("pre_warn")) {
      const auto lead = PeriodHours(r["pre_warn"]);
      if (lead && *lead < 0)
        return Invalid(fmt::format("规则 {}（{}）的预警提前量不能为负数", id, name), at + ".pre_warn",
                       "pre_warn_negative");
      if (lead && limit_hours && *lead >= *limit_hours)
        return Invalid(fmt::format("规则 {}（{}）的预警提前量 {} 必须短于期限 {}", id, name, PeriodText(r["pre_warn"]),
                                   PeriodText(r["limit"])),
                       at + ".pre_warn", "pre_warn_too_long");
    }
  }
  return {};
}

std::string LegalLimitsJson() { return LegalLimits().dump(); }

}  // namespace detail

Result<ConfigDocument> OversightService::GetConfig(bool catalog) const {
  return db_.Read([&](soci::session& sql) -> Result<ConfigDocument> {
    ConfigDocument d;
    std::tie(d.active_version, d.document) = ActiveText(sql, catalog);
    db::Each(sql,
             fmt::format("SELECT t.version, t.note, t.created_by, COALESCE(u.display_name, '') AS created_by_name, "
                         "t.created_at, t.active FROM {} t LEFT JOIN users u ON u.id = t.created_by ORDER BY t.version "
                         "DESC",
                         Table(catalog)),
             {}, [&](const db::Row& r) {
               VersionInfo vi;
               FZ_READ(r, vi, version, note, created_by, created_at, active);
               vi.created_by_name = "系统";
               if (vi.created_by) vi.created_by_name = r.Str("created_by_name");
               d.versions.push_back(std::move(vi));
             });
    return d;
  });
}

Result<std::string> OversightService::GetConfigVersion(bool catalog, std::int64_t version) const {
  return db_.Read([&](soci::session& sql) -> Result<std::string> {
    auto text = VersionText(sql, catalog, version);
    if (!text) return NotFound(fmt::format("{}第 {} 版不存在", What(catalog), version));
    return *text;
  });
}

Result<std::int64_t> OversightService::SaveVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                                                   const std::string& text, const std::string& note, bool activate) {
  // Validate with the engine's own loaders: errors name the rule id / calendar item and field.
  if (catalog) {
    FZ_CHECK(supervision::ParseCatalog(text, "提交的规则目录"));
    FZ_CHECK(detail::CheckLegalBounds(text));
  } else
    FZ_CHECK(supervision::ParseCalendar(text, "提交的节假日日历"));
  if (Utf8Length(note) > 500) return Invalid("修改说明不能超过 500 字", "note", "too_long");
  const std::int64_t saved = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    const std::int64_t version =
        db::ScalarInt(sql, fmt::format("SELECT MAX(version) FROM {}", Table(catalog))).value_or(0) + 1;
    db::SqlArgs a;
    db::Exec(
        sql,
        fmt::format("INSERT INTO {} (version, {}, note, created_by, created_at, active) VALUES ({}, {}, {}, {}, {}, "
                    "0)",
                    Table(catalog), Column(catalog), a.Int(version), a.Str(text), a.Str(note), a.Int(who.user_id),
                    a.Int(clock_.Now())),
        a);
    const auto [active_v, before] = ActiveText(sql, catalog);
    json detail = {{"version", version},
                   {"note", note},
                   {"before", {{"active_version", active_v}, {"summary", Summary(catalog, before)}}},
                   {"after", Summary(catalog, text)},
                   {"changes", Diff(catalog, before, text)}};
    audit::Append(
        sql, clock_, actor,
        {fmt::format("oversight.{}.save", catalog ? "catalog" : "calendar"), Table(catalog), std::to_string(version),
         fmt::format("保存{}第 {} 版{}", What(catalog), version, note.empty() ? "" : "：" + note), detail});
    return version;
  }));
  if (activate) FZ_CHECK(ActivateVersion(catalog, who, actor, saved));
  return saved;
}

Result<void> OversightService::ActivateVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                                               std::int64_t version) {
  (void)who;
  std::shared_ptr<const RuleSet> next;
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    const auto found = VersionText(sql, catalog, version);
    if (!found) return NotFound(fmt::format("{}第 {} 版不存在", What(catalog), version));
    const std::string& text = *found;
    // Stored versions were validated on save, but the engine may have changed since: check again.
    if (catalog)
      FZ_CHECK(supervision::ParseCatalog(text, fmt::format("规则目录第 {} 版", version)));
    else
      FZ_CHECK(supervision::ParseCalendar(text, fmt::format("节假日日历第 {} 版", version)));
    const auto [before_v, before] = ActiveText(sql, catalog);
    db::SqlArgs a;
    db::Exec(
        sql,
        fmt::format("UPDATE {} SET active = CASE WHEN version = {} THEN 1 ELSE 0 END", Table(catalog), a.Int(version)),
        a);
    audit::Append(sql, clock_, actor,
                  {fmt::format("oversight.{}.activate", catalog ? "catalog" : "calendar"),
                   Table(catalog),
                   std::to_string(version),
                   fmt::format("启用{}第 {} 版（原第 {} 版）{}", What(catalog), version, before_v,
                               version < before_v ? "，回退" : ""),
                   {{"before", {{"active_version", before_v}, {"summary", Summary(catalog, before)}}},
                    {"after", {{"active_version", version}, {"summary", Summary(catalog, text)}}},
                    {"changes", Diff(catalog, before, text)}}});
    next = LoadActive(sql);
    return {};
  }));
  SetRules(next);
  // Every open case is re-evaluated under the new rules, in the background (progress:
  // GET /api/oversight/reevaluation); one already running started under the old rules, so another
  // is queued behind it.
  const std::string reason = fmt::format("启用{}第 {} 版", What(catalog), version);
  if (auto job = StartReevaluation(actor, true, reason, true); !job)
    spdlog::warn("{}: re-evaluation not started: {}", reason, job.error().message);
  return {};
}

Result<ConfigDocument> OversightService::GetCatalog() const { return GetConfig(true); }
Result<std::string> OversightService::GetCatalogVersion(std::int64_t v) const { return GetConfigVersion(true, v); }
Result<void> OversightService::CheckBureauWide(const auth::Principal& who) const {
  if (who.unit_id == 0) return {};  // the system itself (jobs, the sweeper)
  const bool bureau_level = db_.Read([&](soci::session& sql) { return org::ActsForWholeBureau(sql, who.unit_id); });
  if (bureau_level) return {};
  return Forbidden(
      "规则目录、节假日日历、审核关口、巡检和重新评估作用于整个分局，只能由分局或法制大队（法制部门）的规则管理员操作",
      "bureau_level_required");
}

Result<std::int64_t> OversightService::SaveCatalog(const auth::Principal& who, const audit::Actor& actor,
                                                   const std::string& text, const std::string& note, bool activate) {
  return SaveVersion(true, who, actor, text, note, activate);
}
Result<void> OversightService::ActivateCatalog(const auth::Principal& who, const audit::Actor& actor, std::int64_t v) {
  return ActivateVersion(true, who, actor, v);
}
Result<ConfigDocument> OversightService::GetCalendar() const { return GetConfig(false); }
Result<std::string> OversightService::GetCalendarVersion(std::int64_t v) const { return GetConfigVersion(false, v); }
Result<std::int64_t> OversightService::SaveCalendar(const auth::Principal& who, const audit::Actor& actor,
                                                    const std::string& text, const std::string& note, bool activate) {
  return SaveVersion(false, who, actor, text, note, activate);
}
Result<void> OversightService::ActivateCalendar(const auth::Principal& who, const audit::Actor& actor, std::int64_t v) {
  return ActivateVersion(false, who, actor, v);
}

}  // namespace fazhi::oversight
