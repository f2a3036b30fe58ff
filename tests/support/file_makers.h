// Builds XLSX and ZIP files inside the tests (no binary fixtures): XLSX with libxlsxwriter, raw
// ZIP archives (for broken or hostile "workbooks") with libzip.
#pragma once

#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fazhi::testing {

inline std::string TempFile(const std::string& suffix) {
  static int n = 0;
  return (std::filesystem::temp_directory_path() /
          ("fazhi_org_test_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + suffix))
      .string();
}

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(path);
  return s;
}

// rows[i] is worksheet row i+1; a cell "#n:123" is written as the number 123. With
// `constant_memory`, libxlsxwriter writes inline strings instead of the shared-string table.
inline std::string MakeXlsx(const std::vector<std::vector<std::string>>& rows, bool constant_memory = false,
                            const char* sheet_name = "名册") {
  const std::string path = TempFile(".xlsx");
  lxw_workbook_options opt{};
  opt.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &opt);
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& v = rows[r][c];
      if (v.rfind("#n:", 0) == 0)
        worksheet_write_number(ws, r, c, std::stod(v.substr(3)), nullptr);
      else if (!v.empty())
        worksheet_write_string(ws, r, c, v.c_str(), nullptr);
    }
  if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("xlsx write failed");
  return Slurp(path);
}

// A ZIP with the given entries (name → content), deflated.
inline std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  const std::string path = TempFile(".zip");
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("zip_open failed");
  for (const auto& [name, content] : entries) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    if (zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE) < 0) throw std::runtime_error("zip_file_add failed");
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close failed");
  return Slurp(path);
}

// The smallest workbook parts pointing at one worksheet with the given sheetData XML.
inline std::vector<std::pair<std::string, std::string>> MinimalWorkbook(const std::string& sheet_xml) {
  return {
      {"[Content_Types].xml",
       R"(<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)"},
      {"xl/workbook.xml",
       R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId7"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="worksheet" Target="/xl/worksheets/data.xml"/></Relationships>)"},
      {"xl/worksheets/data.xml", sheet_xml},
  };
}

}  // namespace fazhi::testing
