#include "org/unit_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "core/text.h"
#include "db/sql.h"

namespace fazhi::org {

namespace {

constexpr std::size_t kMaxAncestorsInName = 3;
constexpr std::size_t kMaxCandidatesShown = 5;

// Whitespace removed, ／ and \ as /, no / at either end.
std::string NormalizeUnitText(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (text.substr(i, 3) == "\xE3\x80\x80") {  // U+3000
      i += 3;
    } else if (text.substr(i, 2) == "\xC2\xA0") {  // U+00A0
      i += 2;
    } else if (text.substr(i, 3) == "\xEF\xBC\x8F") {  // ／
      out += '/';
      i += 3;
    } else {
      out += c == '\\' ? '/' : text[i];
      ++i;
    }
  }
  while (out.starts_with('/')) out.erase(0, 1);
  while (out.ends_with('/')) out.pop_back();
  return out;
}

std::vector<std::int64_t> IdsOfPath(std::string_view path) {
  std::vector<std::int64_t> ids;
  std::int64_t cur = 0;
  bool any = false;
  for (char c : path) {
    if (c >= '0' && c <= '9') {
      cur = cur * 10 + (c - '0');
      any = true;
    } else if (any) {
      ids.push_back(cur);
      cur = 0;
      any = false;
    }
  }
  if (any) ids.push_back(cur);
  return ids;
}

}  // namespace

UnitNames::UnitNames(const std::vector<Entry>& all, std::string_view scope_path) {
  std::unordered_map<std::int64_t, const Entry*> by_id;
  for (const auto& e : all) by_id[e.id] = &e;
  for (const auto& e : all) {
    if (!e.path.starts_with(scope_path)) continue;
    // The chain root … unit of the entries that exist.
    std::vector<const Entry*> chain;
    for (std::int64_t id : IdsOfPath(e.path))
      if (auto it = by_id.find(id); it != by_id.end()) chain.push_back(it->second);
    if (chain.empty() || chain.back()->id != e.id) chain.push_back(&e);
    // Shown as the path below the top unit (the city bureau) when there is one.
    std::string display;
    for (std::size_t i = chain.size() > 2 ? 1 : 0; i < chain.size(); ++i)
      display += (display.empty() ? "" : "/") + chain[i]->name;
    display_[e.id] = display;

    std::unordered_set<std::string> keys;
    const std::size_t max_len = std::min(chain.size(), kMaxAncestorsInName + 1);
    for (std::size_t len = 1; len <= max_len; ++len) {
      // Every choice of 全称/简称 for the last `len` units of the chain, joined with / and with nothing.
      std::vector<std::string> slash{""}, plain{""};
      for (std::size_t i = chain.size() - len; i < chain.size(); ++i) {
        std::vector<std::string> names{NormalizeUnitText(chain[i]->name)};
        if (const std::string s = NormalizeUnitText(chain[i]->short_name); !s.empty() && s != names[0])
          names.push_back(s);
        std::vector<std::string> next_slash, next_plain;
        for (const auto& n : names) {
          for (const auto& p : slash) next_slash.push_back(p.empty() ? n : p + "/" + n);
          for (const auto& p : plain) next_plain.push_back(p + n);
        }
        slash = std::move(next_slash);
        plain = std::move(next_plain);
      }
      keys.insert(slash.begin(), slash.end());
      keys.insert(plain.begin(), plain.end());
    }
    for (const auto& k : keys)
      if (!k.empty()) by_key_[k].push_back(e.id);
    if (const std::string code = Trim(e.code); !code.empty()) by_code_[code].push_back(e.id);
  }
}

Result<std::int64_t> UnitNames::Find(std::string_view text) const {
  const std::string trimmed = Trim(text);
  const std::vector<std::int64_t>* hits = nullptr;
  if (auto it = by_code_.find(trimmed); it != by_code_.end()) hits = &it->second;
  if (!hits)
    if (auto it = by_key_.find(NormalizeUnitText(trimmed)); it != by_key_.end()) hits = &it->second;
  if (!hits || hits->empty()) return Invalid(fmt::format("单位“{}”不存在或不在您的管辖范围内", trimmed), "unit");
  if (hits->size() == 1) return hits->front();
  std::vector<std::string> shown;
  for (std::int64_t id : *hits) {
    auto it = display_.find(id);
    shown.push_back(it == display_.end() ? std::to_string(id) : it->second);
  }
  std::sort(shown.begin(), shown.end());
  std::string list;
  for (std::size_t i = 0; i < shown.size() && i < kMaxCandidatesShown; ++i) list += (i ? "、" : "") + shown[i];
  if (shown.size() > kMaxCandidatesShown) list += fmt::format(" 等 {} 个", shown.size());
  return Invalid(fmt::format("单位“{}”不唯一，可能是：{}；请写成“上级单位/单位”的形式或填写单位编码", trimmed, list),
                 "unit", "ambiguous_unit");
}

UnitNames LoadUnitNames(soci::session& sql, std::string_view scope_path) {
  std::vector<UnitNames::Entry> all;
  db::SqlArgs a;
  db::Each(sql, "SELECT id, name, short_name, code, path FROM units", a, [&](const db::Row& r) {
    all.push_back({.id = r.Int("id"),
                   .name = r.Str("name"),
                   .short_name = r.Str("short_name"),
                   .code = r.Str("code"),
                   .path = r.Str("path")});
  });
  return UnitNames(all, scope_path);
}

}  // namespace fazhi::org
