// 监管配置: versioned rule catalogs and holiday calendars. Every save is validated by the engine's
// own loader first (nothing is stored on error); activation swaps the in-memory rule set and marks
// every open case for re-evaluation by the next sweep.
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

using detail::Args;
using detail::ForEachRow;
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

std::string ActiveText(soci::session& sql, bool catalog, long long* version) {
  std::string text;
  soci::indicator ind = soci::i_null;
  *version = 0;
  sql << fmt::format("SELECT version, {} FROM {} WHERE active = 1 ORDER BY version DESC", Column(catalog),
                     Table(catalog)),
      soci::into(*version), soci::into(text, ind);
  return sql.got_data() ? text : std::string();
}

}  // namespace

Result<ConfigDocument> OversightService::GetConfig(bool catalog) const {
  try {
    return db_.Read([&](soci::session& sql) -> Result<ConfigDocument> {
      ConfigDocument d;
      long long v = 0;
      d.document = ActiveText(sql, catalog, &v);
      d.active_version = v;
      Args a;
      ForEachRow(sql,
                 fmt::format("SELECT t.version, t.note, t.created_by, COALESCE(u.display_name, ''), t.created_at, "
                             "t.active FROM {} t LEFT JOIN users u ON u.id = t.created_by ORDER BY t.version DESC",
                             Table(catalog)),
                 a, [&](const soci::row& r) {
                   VersionInfo vi;
                   vi.version = db::GetInt64(r, 0);
                   vi.note = db::GetText(r, 1);
                   vi.created_by = detail::OptInt(r, 2);
                   vi.created_by_name = vi.created_by ? db::GetText(r, 3) : "系统";
                   vi.created_at = db::GetInt64(r, 4);
                   vi.active = db::GetInt64(r, 5) != 0;
                   d.versions.push_back(std::move(vi));
                 });
      return d;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<std::string> OversightService::GetConfigVersion(bool catalog, std::int64_t version) const {
  try {
    return db_.Read([&](soci::session& sql) -> Result<std::string> {
      std::string text;
      long long v = version;
      sql << fmt::format("SELECT {} FROM {} WHERE version = :v", Column(catalog), Table(catalog)), soci::use(v),
          soci::into(text);
      if (!sql.got_data()) return NotFound(fmt::format("{}第 {} 版不存在", What(catalog), version));
      return text;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<std::int64_t> OversightService::SaveVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                                                   const std::string& text, const std::string& note, bool activate) {
  // Validate with the engine's own loaders: errors name the rule id / calendar item and field.
  if (catalog) {
    auto parsed = supervision::ParseCatalog(text, "提交的规则目录");
    if (!parsed) return std::unexpected(parsed.error());
  } else {
    auto parsed = supervision::ParseCalendar(text, "提交的节假日日历");
    if (!parsed) return std::unexpected(parsed.error());
  }
  if (Utf8Length(note) > 500) return Invalid("修改说明不能超过 500 字", "note", "too_long");
  auto saved = db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    long long max_v = 0;
    soci::indicator ind = soci::i_null;
    sql << fmt::format("SELECT MAX(version) FROM {}", Table(catalog)), soci::into(max_v, ind);
    long long version = (ind == soci::i_ok ? max_v : 0) + 1;
    long long now = clock_.Now(), by = who.user_id;
    sql << fmt::format("INSERT INTO {} (version, {}, note, created_by, created_at, active) VALUES (:v, :d, :n, :b, :t, 0)",
                       Table(catalog), Column(catalog)),
        soci::use(version), soci::use(text), soci::use(note), soci::use(by), soci::use(now);
    long long active_v = 0;
    const std::string before = ActiveText(sql, catalog, &active_v);
    json detail = {{"version", version},
                   {"note", note},
                   {"before", {{"active_version", active_v}, {"summary", Summary(catalog, before)}}},
                   {"after", Summary(catalog, text)},
                   {"changes", Diff(catalog, before, text)}};
    audit::Append(sql, clock_, actor,
                  {fmt::format("oversight.{}.save", catalog ? "catalog" : "calendar"), Table(catalog),
                   std::to_string(version),
                   fmt::format("保存{}第 {} 版{}", What(catalog), version, note.empty() ? "" : "：" + note), detail});
    return static_cast<std::int64_t>(version);
  });
  if (!saved) return saved;
  if (activate) {
    if (auto ok = ActivateVersion(catalog, who, actor, *saved); !ok) return std::unexpected(ok.error());
  }
  return saved;
}

Result<void> OversightService::ActivateVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                                               std::int64_t version) {
  (void)who;
  std::shared_ptr<const RuleSet> next;
  auto ok = db_.Write([&](soci::session& sql) -> Result<void> {
    std::string text;
    long long v = version;
    sql << fmt::format("SELECT {} FROM {} WHERE version = :v", Column(catalog), Table(catalog)), soci::use(v),
        soci::into(text);
    if (!sql.got_data()) return NotFound(fmt::format("{}第 {} 版不存在", What(catalog), version));
    // Stored versions were validated on save, but the engine may have changed since: check again.
    if (catalog) {
      if (auto p = supervision::ParseCatalog(text, fmt::format("规则目录第 {} 版", version)); !p)
        return std::unexpected(p.error());
    } else if (auto p = supervision::ParseCalendar(text, fmt::format("节假日日历第 {} 版", version)); !p) {
      return std::unexpected(p.error());
    }
    long long before_v = 0;
    const std::string before = ActiveText(sql, catalog, &before_v);
    sql << fmt::format("UPDATE {} SET active = CASE WHEN version = :v THEN 1 ELSE 0 END", Table(catalog)),
        soci::use(v);
    audit::Append(sql, clock_, actor,
                  {fmt::format("oversight.{}.activate", catalog ? "catalog" : "calendar"), Table(catalog),
                   std::to_string(version),
                   fmt::format("启用{}第 {} 版（原第 {} 版）{}", What(catalog), version, before_v,
                               version < before_v ? "，回退" : ""),
                   {{"before", {{"active_version", before_v}, {"summary", Summary(catalog, before)}}},
                    {"after", {{"active_version", version}, {"summary", Summary(catalog, text)}}},
                    {"changes", Diff(catalog, before, text)}}});
    auto rs = LoadActive(sql);
    if (!rs) return std::unexpected(rs.error());
    next = *rs;
    return {};
  });
  if (!ok) return ok;
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
