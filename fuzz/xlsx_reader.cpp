// Fuzz target: an uploaded XLSX as files::ReadSheet reads it (ZIP archive with entry-count and
// uncompressed-size caps against zip bombs, workbook → first worksheet, shared strings, inline
// strings, cell references), then the header search every import does. Cells come back as UTF-8
// within the limits; a refusal is an InvalidArgument (or PayloadTooLarge) error with a readable
// message.
//
// Two kinds of input: bytes starting with "PK" are the uploaded file itself (the ZIP layer);
// anything else is the XML parts, separated by NUL bytes — worksheet, shared strings, workbook,
// workbook relationships — packed into a valid ZIP here first, so that mutations reach the XML
// reading instead of failing the ZIP checksums. Missing parts get a usual default.
#include <zip.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "files/spreadsheet.h"
#include "fuzz_check.h"

namespace fazhi::fuzz {
namespace {

constexpr std::string_view kWorkbook =
    R"(<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
    R"(<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr std::string_view kRels =
    R"(<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>)";

// The parts as a ZIP of stored entries ("" when libzip fails, which it should not).
std::string PackXlsx(std::string_view parts) {
  std::vector<std::string_view> p;
  for (std::size_t start = 0;;) {
    const auto nul = parts.find('\0', start);
    p.push_back(parts.substr(start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
    if (nul == std::string_view::npos || p.size() == 4) break;
    start = nul + 1;
  }
  const std::array<std::pair<const char*, std::string_view>, 4> entries = {{
      {"xl/worksheets/sheet1.xml", p[0]},
      {"xl/sharedStrings.xml", p.size() > 1 ? p[1] : std::string_view()},
      {"xl/workbook.xml", p.size() > 2 ? p[2] : kWorkbook},
      {"xl/_rels/workbook.xml.rels", p.size() > 3 ? p[3] : kRels},
  }};
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_error_fini(&err);
  FZ_FUZZ_CHECK(buffer != nullptr);
  zip_source_keep(buffer);
  zip_t* z = zip_open_from_source(buffer, ZIP_TRUNCATE, nullptr);
  FZ_FUZZ_CHECK(z != nullptr);
  for (const auto& [name, text] : entries) {
    if (text.empty() && std::string_view(name) == "xl/sharedStrings.xml") continue;
    zip_source_t* s = zip_source_buffer(z, text.data(), text.size(), 0);
    const zip_int64_t idx = zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8);
    FZ_FUZZ_CHECK(idx >= 0);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
  }
  FZ_FUZZ_CHECK(zip_close(z) == 0);
  std::string out;
  FZ_FUZZ_CHECK(zip_source_open(buffer) == 0);
  char buf[4096];
  for (zip_int64_t got; (got = zip_source_read(buffer, buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(got));
  zip_source_close(buffer);
  zip_source_free(buffer);
  return out;
}

}  // namespace
}  // namespace fazhi::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fazhi;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string packed = input.starts_with("PK") ? std::string() : fuzz::PackXlsx(input);
  const std::string_view bytes = input.starts_with("PK") ? input : std::string_view(packed);
  files::SheetLimits limits;
  limits.max_uncompressed_bytes = 4u << 20;
  limits.max_zip_entries = 64;
  limits.max_rows = 200;
  limits.max_columns = 16;
  limits.max_cell_bytes = 256;

  auto sheet = files::ReadSheet(bytes, "导入.xlsx", limits);
  if (!sheet) {
    fazhi::fuzz::CheckRefusal(sheet.error(), {ErrorCode::kInvalidArgument, ErrorCode::kPayloadTooLarge});
    return 0;
  }
  FZ_FUZZ_CHECK(sheet->rows.size() <= limits.max_rows);
  for (const auto& row : sheet->rows) {
    FZ_FUZZ_CHECK(row.number > 0);
    FZ_FUZZ_CHECK(row.cells.size() <= limits.max_columns);
    for (const auto& cell : row.cells) {
      FZ_FUZZ_CHECK(IsValidUtf8(cell));
      FZ_FUZZ_CHECK(cell.size() <= limits.max_cell_bytes);
    }
  }
  const std::size_t header =
      files::FindHeaderRow(*sheet, [](const std::string& h) { return h == "姓名" || h == "编号" || h == "单位"; });
  FZ_FUZZ_CHECK(header == 0 || header < sheet->rows.size());
  return 0;
}
