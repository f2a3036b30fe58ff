// Reading and writing simple tables as CSV (RFC 4180; UTF-8, UTF-8 with BOM or GBK/GB18030) and
// XLSX. Pure file-format code: no
// database, no knowledge of people. Uploaded files are never trusted: sizes, row and column counts
// and the uncompressed size of XLSX archives (zip bombs) are capped, and malformed content becomes
// an InvalidArgument error with a 中文 message instead of an exception.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace fazhi::files {

// One non-empty row of a sheet. `number` is the row number the user sees (first row = 1): the
// record number in a CSV (a quoted field may span lines), the row number in a worksheet.
struct SheetRow {
  int number = 0;
  std::vector<std::string> cells;  // trimmed of nothing; may be shorter than other rows
};

struct Sheet {
  std::vector<SheetRow> rows;  // rows whose cells are all empty are left out
};

struct SheetLimits {
  std::size_t max_file_bytes = 10u << 20;          // uploaded bytes
  std::size_t max_uncompressed_bytes = 50u << 20;  // XLSX: sum of all entries once unpacked
  std::size_t max_zip_entries = 2000;
  std::size_t max_rows = 20000;  // non-empty rows
  std::size_t max_columns = 64;  // a non-empty cell further right is an error
  std::size_t max_cell_bytes = 4096;
};

// Reads an uploaded table, choosing the format from the content (a ZIP signature means XLSX) and
// the file name. A CSV may be UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on a Chinese
// Windows saves as "CSV（逗号分隔）"): valid UTF-8 is read as UTF-8, anything else is converted from
// GB18030; cells always come back as UTF-8. Errors (all InvalidArgument unless noted, field "file"):
//   reason unsupported_file — neither CSV nor XLSX (e.g. .xls, .pdf, an image, a ZIP without a workbook);
//   reason unknown_encoding — a CSV that is neither UTF-8 nor GBK/GB18030 text (e.g. random bytes);
//   reason corrupt_file     — a damaged XLSX (bad ZIP entry, malformed XML) or an unclosed CSV quote;
//   reason too_large        — over a row/column/cell/uncompressed-size limit;
//   kPayloadTooLarge        — more than max_file_bytes uploaded;
//   empty file              — InvalidArgument "文件为空".
Result<Sheet> ReadSheet(std::string_view bytes, std::string_view filename, const SheetLimits& limits = {});

// ---- header rows of imports (docs/org.md "表头") ----

// A header cell as compared with an import's column names and synonyms: whitespace anywhere
// (also the full-width space and NBSP, "姓  名" is common) and the required marks * and ＊ at
// either end removed. "" for an empty cell.
std::string NormalizeHeader(std::string_view cell);

// How many non-empty rows from the top may hold the header (the rows above it are titles: the
// roster's name, a date, a blank-looking row of merged cells).
inline constexpr std::size_t kHeaderSearchRows = 10;

// The index in sheet.rows of the header row: the first of the first kHeaderSearchRows rows in which
// at least `min_known` cells are column names of the import (`known` gets NormalizeHeader(cell)).
// When no row qualifies, 0: the first row is taken as the header and its problems are reported.
template <typename Known>
std::size_t FindHeaderRow(const Sheet& sheet, const Known& known, int min_known = 2) {
  for (std::size_t r = 0; r < sheet.rows.size() && r < kHeaderSearchRows; ++r) {
    int hits = 0;
    for (const auto& cell : sheet.rows[r].cells)
      if (const std::string h = NormalizeHeader(cell); !h.empty() && known(h)) ++hits;
    if (hits >= min_known) return r;
  }
  return 0;
}

// The two readers on their own (no format detection; ReadCsv still detects the encoding).
Result<Sheet> ReadCsv(std::string_view bytes, const SheetLimits& limits = {});
Result<Sheet> ReadXlsx(std::string_view bytes, const SheetLimits& limits = {});

// CSV bytes as UTF-8 text: UTF-8 (a BOM removed) as is, otherwise converted from GB18030 (GBK is a
// subset). InvalidArgument reason unknown_encoding when the bytes are neither, or decode to control
// characters a table never holds.
Result<std::string> CsvTextToUtf8(std::string_view bytes);

// One cell of a sheet to write. Text by default (a std::string or a literal converts to a text
// cell), so 身份证号 keep all their digits and nothing is evaluated; numbers only when asked for.
struct Cell {
  enum class Kind { kEmpty, kText, kNumber };
  Kind kind = Kind::kEmpty;
  std::string text;
  double number = 0;
  std::string num_format;  // numbers: Excel number format ("0.00", "0"); "" = General
  bool bold = false;

  Cell() = default;
  Cell(std::string t) : kind(Kind::kText), text(std::move(t)) {}  // NOLINT: implicit on purpose
  Cell(const char* t) : kind(Kind::kText), text(t) {}             // NOLINT
  static Cell Number(double v, std::string format = {}) {
    Cell c;
    c.kind = Kind::kNumber;
    c.number = v;
    c.num_format = std::move(format);
    return c;
  }
  static Cell Int(std::int64_t v) { return Number(static_cast<double>(v)); }
  // A number when present, an empty cell otherwise.
  static Cell OptInt(const std::optional<std::int64_t>& v) { return v ? Int(*v) : Cell(); }
  static Cell Bold(std::string t) {
    Cell c(std::move(t));
    c.bold = true;
    return c;
  }
};
using CellRow = std::vector<Cell>;

// Text rows as cells.
std::vector<CellRow> TextCells(const std::vector<std::vector<std::string>>& rows);

// A worksheet to write.
struct SheetData {
  std::string name;  // worksheet name (XLSX), ≤ 31 characters
  std::vector<CellRow> rows;
  std::vector<double> column_widths;  // optional, in characters (default 14)
  bool header_row = true;             // the first row is a header: bold, and frozen while scrolling

  SheetData() = default;
  SheetData(std::string n, std::vector<CellRow> r = {}, std::vector<double> widths = {}, bool header = true)
      : name(std::move(n)), rows(std::move(r)), column_widths(std::move(widths)), header_row(header) {}
  // Rows of text (every cell a text cell). A template so that a braced list of rows always means
  // the constructor above.
  template <typename TextRows>
  requires std::same_as<TextRows, std::vector<std::vector<std::string>>> SheetData(std::string n, const TextRows& r,
                                                                                   std::vector<double> widths = {})
      : SheetData(std::move(n), TextCells(r), std::move(widths)) {}
};

// UTF-8 CSV with a BOM (so Excel opens Chinese text correctly), CRLF line ends, fields quoted when
// needed. A cell starting with = + - @ is prefixed with ' so spreadsheet programs never evaluate it
// as a formula (CSV injection).
std::string WriteCsv(const std::vector<std::vector<std::string>>& rows);
// The same for typed cells: numbers are written as numbers (their format's decimals, else the
// shortest exact form) and never prefixed; bold is ignored.
std::string WriteCsvCells(const std::vector<CellRow>& rows);

// XLSX workbook, one worksheet per SheetData. Text cells are strings in columns formatted as text
// ("@"), numbers are numbers with their format, empty cells are left out; a non-finite number is
// written as an empty cell. Internal error if the temporary file cannot be written.
Result<std::string> WriteXlsx(const std::vector<SheetData>& sheets);

}  // namespace fazhi::files
