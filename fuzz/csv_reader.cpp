// Fuzz target: an uploaded CSV as files::ReadSheet reads it (encoding detection: UTF-8, UTF-8 with
// BOM, GBK/GB18030; RFC 4180 quoting; row, column and cell limits), then the header search every
// import does. Cells always come back as UTF-8 within the limits; a refusal is an InvalidArgument
// (or PayloadTooLarge) error with a readable message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "files/spreadsheet.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fazhi;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  files::SheetLimits limits;
  limits.max_rows = 200;  // small limits so that the fuzzer reaches them
  limits.max_columns = 16;
  limits.max_cell_bytes = 256;

  if (auto text = files::CsvTextToUtf8(bytes)) {
    FZ_FUZZ_CHECK(IsValidUtf8(*text));
  } else {
    fazhi::fuzz::CheckRefusal(text.error());
  }

  auto sheet = files::ReadSheet(bytes, "导入.csv", limits);
  if (!sheet) {
    fazhi::fuzz::CheckRefusal(sheet.error(), {ErrorCode::kInvalidArgument, ErrorCode::kPayloadTooLarge});
    return 0;
  }
  FZ_FUZZ_CHECK(sheet->rows.size() <= limits.max_rows);
  int last = 0;
  for (const auto& row : sheet->rows) {
    FZ_FUZZ_CHECK(row.number > last);
    last = row.number;
    bool any = false;
    for (const auto& cell : row.cells) {
      FZ_FUZZ_CHECK(IsValidUtf8(cell));
      FZ_FUZZ_CHECK(cell.size() <= limits.max_cell_bytes);
      any = any || !cell.empty();
    }
    FZ_FUZZ_CHECK(any);
  }
  const std::size_t header =
      files::FindHeaderRow(*sheet, [](const std::string& h) { return h == "姓名" || h == "编号" || h == "单位"; });
  FZ_FUZZ_CHECK(header == 0 || header < sheet->rows.size());
  return 0;
}
