// Reading and writing simple tables as CSV (RFC 4180, UTF-8) and XLSX. Pure file-format code: no
// database, no knowledge of people. Uploaded files are never trusted: sizes, row and column counts
// and the uncompressed size of XLSX archives (zip bombs) are capped, and malformed content becomes
// an InvalidArgument error with a 中文 message instead of an exception.
#pragma once

#include <cstddef>
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
  std::size_t max_rows = 20000;   // non-empty rows
  std::size_t max_columns = 64;   // a non-empty cell further right is an error
  std::size_t max_cell_bytes = 4096;
};

// Reads an uploaded table, choosing the format from the content (a ZIP signature means XLSX) and
// the file name. Errors (all InvalidArgument unless noted, field "file"):
//   reason unsupported_file — neither CSV nor XLSX (e.g. .xls, .pdf, an image, a ZIP without a workbook);
//   reason not_utf8         — a CSV that is not UTF-8 ("请保存为 UTF-8 编码的 CSV");
//   reason corrupt_file     — a damaged XLSX (bad ZIP entry, malformed XML) or an unclosed CSV quote;
//   reason too_large        — over a row/column/cell/uncompressed-size limit;
//   kPayloadTooLarge        — more than max_file_bytes uploaded;
//   empty file              — InvalidArgument "文件为空".
Result<Sheet> ReadSheet(std::string_view bytes, std::string_view filename, const SheetLimits& limits = {});

// The two readers on their own (no format detection).
Result<Sheet> ReadCsv(std::string_view bytes, const SheetLimits& limits = {});
Result<Sheet> ReadXlsx(std::string_view bytes, const SheetLimits& limits = {});

// A table to write. The first row is the header (bold in XLSX).
struct SheetData {
  std::string name;  // worksheet name (XLSX), ≤ 31 characters
  std::vector<std::vector<std::string>> rows;
  std::vector<double> column_widths;  // optional, in characters
};

// UTF-8 CSV with a BOM (so Excel opens Chinese text correctly), CRLF line ends, fields quoted when
// needed. A cell starting with = + - @ is prefixed with ' so spreadsheet programs never evaluate it
// as a formula (CSV injection).
std::string WriteCsv(const std::vector<std::vector<std::string>>& rows);

// XLSX workbook, one worksheet per SheetData; every cell is written as text (so 身份证号 keep all
// digits and nothing is evaluated). Internal error if the temporary file cannot be written.
Result<std::string> WriteXlsx(const std::vector<SheetData>& sheets);

}  // namespace fazhi::files
