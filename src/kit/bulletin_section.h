// Bulletin sections (通报栏目): the interface through which a module contributes one part of the
// 执法质量通报 / 执法规范化建设通报 — cases, supervision, platform use, points, later inspections —
// computed from its own tables for a period (a month or a quarter) and a scope (a unit subtree).
// The bulletins module (src/bulletins) collects every module's providers through
// kit::Module::AddBulletinSections and lays the sections out as an official document; it reads no
// table of another module itself.
//
// A figure always carries where it came from (`source`: table, filter, period), and a section says
// plainly when its period has no data (`has_data` false, `empty_text` "本期无……数据") instead of
// printing zeros as facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"

namespace fazhi::kit {

// 通报期间: a calendar month ("2023-07") or quarter ("2023-Q3") in Asia/Shanghai time.
struct BulletinPeriod {
  std::string key;       // "2023-07" / "2023-Q3"
  bool quarter = false;  // false: a month
  int year = 0;
  int index = 0;          // month 1–12, or quarter 1–4
  EpochSeconds from = 0;  // local 00:00 of the first day (inclusive)
  EpochSeconds to = 0;    // local 00:00 after the last day (exclusive)

  std::string Label() const;                // "2023年7月" / "2023年第三季度"
  BulletinPeriod Previous() const;          // the month or quarter before
  std::vector<std::string> Months() const;  // "2023-07", or the quarter's three months
  std::string RangeText() const;            // "2023-07-01 至 2023-07-31", for source notes
};

// "2023-07" or "2023-Q3" (year 2000–2100). InvalidArgument (field "period", reason invalid_period)
// otherwise, with the two accepted forms in the message.
Result<BulletinPeriod> ParseBulletinPeriod(std::string_view text);
// The period of `year` and `index` (month or quarter).
BulletinPeriod MakeBulletinPeriod(int year, int index, bool quarter);

// Whose data a bulletin covers.
struct BulletinScope {
  std::int64_t bureau_id = 0;  // the 分县局 issuing it
  std::string unit_path;       // the subtree covered ("/1/2/")
  std::string unit_name;       // e.g. "城区分局"
  bool anonymise = true;       // typical problems name cases by number only, never persons or titles
};

// One figure of a section, bound to its data.
struct BulletinFigure {
  std::string key;                       // stable id within the section, e.g. "accepted"
  std::string label;                     // "受理案件"
  std::int64_t value = 0;                // the count, or the numerator of a ratio
  std::optional<std::int64_t> of;        // the denominator: the figure is a ratio value/of
  std::optional<std::int64_t> previous;  // the same count in the previous period (change)
  std::string unit;                      // "起", "件", "人次"; empty for ratios
  std::string source;                    // "数据来源：…" (table, filter, period)
};

// A table of a section, as text cells.
struct BulletinTable {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;  // per column: right-aligned numbers
  std::string source;
};

struct BulletinSection {
  std::string id;     // the provider's id
  std::string title;  // 一级标题, e.g. "案件受理与办结情况"
  bool has_data = false;
  std::string empty_text;  // said instead of the figures when has_data is false: "本期无……数据。"
  std::string summary;     // the generated narrative paragraph (a person may rewrite it)
  std::vector<BulletinFigure> figures;
  std::vector<BulletinTable> tables;
  std::vector<std::string> items;  // e.g. typical problems, one line each
  std::string items_title;         // 二级标题 over the items, e.g. "典型问题"
  std::string items_source;
};

class BulletinSectionProvider {
 public:
  virtual ~BulletinSectionProvider() = default;
  // Stable id ("cases", "oversight", "platform", "points", "inspections").
  virtual std::string_view id() const = 0;
  // Position in the document (ascending), so modules need not know each other.
  virtual int order() const = 0;
  // Whether the section belongs in a bulletin of `kind` ("quality" monthly, "standardization"
  // quarterly). Default: both.
  virtual bool InKind(std::string_view kind) const {
    (void)kind;
    return true;
  }
  // Computes the section on the caller's session (inside its read or write transaction; it must not
  // borrow another). Called from several threads at once: a provider keeps no mutable state.
  // Database errors throw (soci::soci_error).
  virtual Result<BulletinSection> Compute(soci::session& sql, const BulletinPeriod& period,
                                          const BulletinScope& scope) const = 0;
};

// "12（上期 10，增加 2）" style text of a figure's change; empty when it has no previous value.
std::string ChangeText(const BulletinFigure& f);
// "85.2%" of a ratio figure, "—" when the denominator is 0.
std::string RatioText(std::int64_t num, std::int64_t den);

}  // namespace fazhi::kit
