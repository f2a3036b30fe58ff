#include "files/spreadsheet.h"

#include <fmt/format.h>
#include <iconv.h>
#include <spdlog/spdlog.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <pugixml.hpp>
#include <utility>

#include "core/text.h"
#include "files/file_names.h"
#include "files/temp_file.h"

namespace fazhi::files {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::unexpected<Error> FileError(std::string message, std::string reason) {
  return Invalid(std::move(message), "file", std::move(reason));
}

std::unexpected<Error> Unsupported(std::string message = "仅支持 CSV 或 XLSX 文件") {
  return FileError(std::move(message), "unsupported_file");
}

std::unexpected<Error> UnknownEncoding() {
  return FileError("无法识别文件的编码：请保存为 UTF-8 或 GBK 编码的 CSV（Excel：另存为 →“CSV UTF-8（逗号分隔）”）",
                   "unknown_encoding");
}

// GB18030 (a superset of GBK and GB2312) to UTF-8 with glibc's iconv. Bytes that are not GB18030,
// or text with control characters no table holds, are refused: random bytes seldom get that far.
Result<std::string> FromGb18030(std::string_view in) {
  iconv_t cd = ::iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    spdlog::error("files: iconv has no GB18030 converter (glibc gconv modules missing?)");
    return UnknownEncoding();
  }
  std::string out(in.size() + in.size() / 2 + 16, '\0');  // GBK's 2 bytes become 3 in UTF-8
  char* src = const_cast<char*>(in.data());
  std::size_t src_left = in.size();
  std::size_t used = 0;
  bool ok = true;
  while (ok && src_left > 0) {
    char* dst = out.data() + used;
    std::size_t dst_left = out.size() - used;
    const std::size_t r = ::iconv(cd, &src, &src_left, &dst, &dst_left);
    const int err = errno;
    used = out.size() - dst_left;
    if (r == static_cast<std::size_t>(-1)) {
      if (err == E2BIG)
        out.resize(out.size() * 2);
      else
        ok = false;  // EILSEQ (not GB18030) or EINVAL (cut in the middle of a character)
    }
  }
  ::iconv_close(cd);
  if (!ok) return UnknownEncoding();
  out.resize(used);
  for (unsigned char c : out)
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return UnknownEncoding();
  if (!IsValidUtf8(out)) return UnknownEncoding();
  return out;
}

bool AllEmpty(const std::vector<std::string>& cells) {
  for (const auto& c : cells)
    if (!Trim(c).empty()) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)

class CsvRowSink {
 public:
  CsvRowSink(Sheet& sheet, const SheetLimits& limits) : sheet_(sheet), limits_(limits) {}

  std::optional<Error> AddField(std::string field, int record) {
    if (field.size() > limits_.max_cell_bytes)
      return Error{ErrorCode::kInvalidArgument,
                   fmt::format("第 {} 行有一个单元格超过 {} 字节", record, limits_.max_cell_bytes), "file",
                   "too_large"};
    if (fields_.size() >= limits_.max_columns && !Trim(field).empty())
      return Error{ErrorCode::kInvalidArgument, fmt::format("第 {} 行超过 {} 列", record, limits_.max_columns), "file",
                   "too_large"};
    if (fields_.size() < limits_.max_columns) fields_.push_back(std::move(field));
    return std::nullopt;
  }

  std::optional<Error> EndRecord(int record) {
    if (!AllEmpty(fields_)) {
      if (sheet_.rows.size() >= limits_.max_rows)
        return Error{ErrorCode::kInvalidArgument, fmt::format("文件超过 {} 行，请分批导入", limits_.max_rows), "file",
                     "too_large"};
      sheet_.rows.push_back({record, std::move(fields_)});
    }
    fields_.clear();
    return std::nullopt;
  }

 private:
  Sheet& sheet_;
  const SheetLimits& limits_;
  std::vector<std::string> fields_;
};

// ---------------------------------------------------------------------------------------------
// XLSX: a ZIP of XML parts (ECMA-376 Part 1). Only what a roster needs: the first worksheet,
// shared strings, inline strings, numbers and booleans.

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

class XlsxArchive {
 public:
  static Result<XlsxArchive> Open(std::string_view bytes, const SheetLimits& limits) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) {
      zip_error_fini(&err);
      return Internal("无法读取上传的文件");
    }
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
    zip_error_fini(&err);
    if (!z) {
      zip_source_free(src);
      return Unsupported("文件不是有效的 XLSX（ZIP 结构损坏）；仅支持 CSV 或 XLSX 文件");
    }
    XlsxArchive a(z, limits);
    const zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0 || static_cast<std::size_t>(n) > limits.max_zip_entries)
      return FileError("XLSX 文件内部条目过多，已拒绝", "too_large");
    // Declared sizes first (cheap); Read() also counts real bytes, since declarations can lie.
    std::uint64_t declared = 0;
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0)
        return FileError("XLSX 文件已损坏（无法读取 ZIP 目录）", "corrupt_file");
      if (st.valid & ZIP_STAT_SIZE) declared += st.size;
      if (declared > limits.max_uncompressed_bytes)
        return FileError(fmt::format("XLSX 文件解压后超过 {} MB，已拒绝", limits.max_uncompressed_bytes >> 20),
                         "too_large");
    }
    return a;
  }

  bool Has(const std::string& name) const { return Locate(name) >= 0; }

  // Reads one entry, counting its real size against the archive's remaining budget.
  Result<std::string> Read(const std::string& name) {
    const zip_int64_t idx = Locate(name);
    // `name` may come from the file itself (the workbook's relationship target): shown safely.
    if (idx < 0) return FileError(fmt::format("XLSX 文件缺少 {}", Utf8Prefix(name, 80)), "corrupt_file");
    std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(idx), 0));
    if (!f) return FileError(fmt::format("XLSX 文件已损坏（无法打开 {}）", Utf8Prefix(name, 80)), "corrupt_file");
    std::string out;
    char buf[65536];
    for (;;) {
      const zip_int64_t got = zip_fread(f.get(), buf, sizeof buf);
      if (got < 0)
        return FileError(fmt::format("XLSX 文件已损坏（{} 无法解压）", Utf8Prefix(name, 80)), "corrupt_file");
      if (got == 0) break;
      if (static_cast<std::uint64_t>(got) > budget_)
        return FileError(fmt::format("XLSX 文件解压后超过 {} MB，已拒绝", limits_.max_uncompressed_bytes >> 20),
                         "too_large");
      budget_ -= static_cast<std::uint64_t>(got);
      out.append(buf, static_cast<std::size_t>(got));
    }
    return out;
  }

 private:
  XlsxArchive(zip_t* z, const SheetLimits& limits) : zip_(z), limits_(limits), budget_(limits.max_uncompressed_bytes) {}

  zip_int64_t Locate(const std::string& name) const {
    zip_int64_t idx = zip_name_locate(zip_.get(), name.c_str(), 0);
    if (idx < 0) idx = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
    return idx;
  }

  std::unique_ptr<zip_t, ZipCloser> zip_;
  SheetLimits limits_;
  std::uint64_t budget_;
};

// Element names may carry a namespace prefix ("x:row"); compare local names only.
std::string_view LocalName(const char* name) {
  std::string_view n(name);
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c : parent.children())
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  return {};
}

Result<void> ParseXml(pugi::xml_document& doc, const std::string& text, const std::string& part) {
  // pugixml never loads external entities or expands custom ones, so XXE and entity bombs are inert.
  const pugi::xml_parse_result res =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!res)
    return FileError(fmt::format("XLSX 文件已损坏：{} 不是合法的 XML（第 {} 字节：{}）", Utf8Prefix(part, 80),
                                 res.offset, res.description()),
                     "corrupt_file");
  return {};
}

// Text of a shared-string item or inline string: plain <t>, or rich-text runs <r><t>; phonetic
// guides (<rPh>) are not part of the value.
void CollectText(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node c : node.children()) {
    if (c.type() != pugi::node_element) continue;
    const auto local = LocalName(c.name());
    if (local == "t")
      out += c.child_value();
    else if (local == "r")
      CollectText(c, out);
  }
}

// "xl/" + target, with "/xl/…" absolute targets and "./" / "../" segments resolved.
std::string ResolveTarget(std::string_view target) {
  std::vector<std::string> parts;
  std::string base = target.starts_with('/') ? "" : "xl/";
  std::string full = base + std::string(target.starts_with('/') ? target.substr(1) : target);
  std::size_t start = 0;
  while (start <= full.size()) {
    const auto slash = full.find('/', start);
    const std::string seg = full.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

// Column index (A = 0) of a cell reference such as "AB12"; -1 if there are no letters.
long ColumnOf(std::string_view ref) {
  long col = 0;
  std::size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
    col = col * 26 + (ref[i] - 'A' + 1);
    if (col > 100000) return -1;
  }
  return i == 0 ? -1 : col - 1;
}

// Numbers as a person would type them: integers without ".0" or exponent (警号 141001, not 141001.0).
std::string FormatNumber(const std::string& raw) {
  char* end = nullptr;
  const double v = std::strtod(raw.c_str(), &end);
  if (end == raw.c_str() || *end != '\0' || !std::isfinite(v)) return raw;
  if (std::fabs(v) < 1e15 && v == std::floor(v)) return fmt::format("{}", static_cast<long long>(v));
  return raw;
}

Result<std::string> FirstWorksheetPart(XlsxArchive& zip) {
  static const std::string kFallback = "xl/worksheets/sheet1.xml";
  const std::string wb_text = FZ_TRY(zip.Read("xl/workbook.xml"));
  pugi::xml_document wb;
  FZ_CHECK(ParseXml(wb, wb_text, "xl/workbook.xml"));
  const pugi::xml_node sheet = Child(Child(Child(wb, "workbook"), "sheets"), "sheet");
  if (!sheet) return FileError("XLSX 文件中没有工作表", "corrupt_file");
  std::string rel_id;
  for (pugi::xml_attribute a : sheet.attributes()) {
    const std::string_view name(a.name());
    if (name.ends_with(":id")) rel_id = a.value();
  }
  if (rel_id.empty() || !zip.Has("xl/_rels/workbook.xml.rels")) return kFallback;
  const std::string rels_text = FZ_TRY(zip.Read("xl/_rels/workbook.xml.rels"));
  pugi::xml_document rels;
  FZ_CHECK(ParseXml(rels, rels_text, "xl/_rels/workbook.xml.rels"));
  for (pugi::xml_node rel : Child(rels, "Relationships").children()) {
    if (rel.type() != pugi::node_element || LocalName(rel.name()) != "Relationship") continue;
    if (rel_id == rel.attribute("Id").value()) return ResolveTarget(rel.attribute("Target").value());
  }
  return kFallback;
}

}  // namespace

Result<std::string> CsvTextToUtf8(std::string_view bytes) {
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  if (IsValidUtf8(bytes)) return std::string(bytes);
  return FromGb18030(bytes);
}

Result<Sheet> ReadCsv(std::string_view raw, const SheetLimits& limits) {
  if (raw.find('\0') != std::string_view::npos) return Unsupported();
  const std::string text = FZ_TRY(CsvTextToUtf8(raw));
  const std::string_view bytes = text;
  Sheet sheet;
  CsvRowSink sink(sheet, limits);
  std::string field;
  int record = 1;
  int quote_start = 0;  // record where an open quoted field began
  bool in_quotes = false;
  bool after_quote = false;  // just closed a quoted field: only , or end of line may follow
  std::size_t i = 0;
  auto fail = [](std::optional<Error> e) { return std::unexpected(std::move(*e)); };
  while (i < bytes.size()) {
    const char c = bytes[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < bytes.size() && bytes[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        in_quotes = false;
        after_quote = true;
        ++i;
        continue;
      }
      field += c;
      ++i;
      continue;
    }
    if (c == ',') {
      if (auto e = sink.AddField(std::move(field), record)) return fail(e);
      field.clear();
      after_quote = false;
      ++i;
    } else if (c == '\r' || c == '\n') {
      if (auto e = sink.AddField(std::move(field), record)) return fail(e);
      field.clear();
      if (auto e = sink.EndRecord(record)) return fail(e);
      after_quote = false;
      ++record;
      i += (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ? 2 : 1;
    } else if (after_quote) {
      return FileError(fmt::format("第 {} 行格式错误：引号后面只能是逗号或换行", record), "corrupt_file");
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
      quote_start = record;
      ++i;
    } else {
      field += c;  // a quote inside an unquoted field is taken literally
      ++i;
    }
    if (field.size() > limits.max_cell_bytes)
      return FileError(fmt::format("第 {} 行有一个单元格超过 {} 字节", record, limits.max_cell_bytes), "too_large");
  }
  if (in_quotes) return FileError(fmt::format("第 {} 行的引号没有闭合", quote_start), "corrupt_file");
  if (!field.empty() || after_quote) {
    if (auto e = sink.AddField(std::move(field), record)) return fail(e);
  }
  if (auto e = sink.EndRecord(record)) return fail(e);
  return sheet;
}

Result<Sheet> ReadXlsx(std::string_view bytes, const SheetLimits& limits) {
  auto zip = FZ_TRY(XlsxArchive::Open(bytes, limits));
  if (!zip.Has("xl/workbook.xml")) return Unsupported("ZIP 文件中没有 Excel 工作簿；仅支持 CSV 或 XLSX 文件");

  std::vector<std::string> shared;
  if (zip.Has("xl/sharedStrings.xml")) {
    const std::string text = FZ_TRY(zip.Read("xl/sharedStrings.xml"));
    pugi::xml_document doc;
    FZ_CHECK(ParseXml(doc, text, "xl/sharedStrings.xml"));
    for (pugi::xml_node si : Child(doc, "sst").children()) {
      if (si.type() != pugi::node_element || LocalName(si.name()) != "si") continue;
      std::string s;
      CollectText(si, s);
      shared.push_back(std::move(s));
    }
  }

  const std::string part = FZ_TRY(FirstWorksheetPart(zip));
  std::string text = FZ_TRY(zip.Read(part));
  pugi::xml_document doc;
  FZ_CHECK(ParseXml(doc, text, part));
  text.clear();

  Sheet sheet;
  int next_row = 1;
  for (pugi::xml_node row : Child(Child(doc, "worksheet"), "sheetData").children()) {
    if (row.type() != pugi::node_element || LocalName(row.name()) != "row") continue;
    int number = next_row;
    if (const auto r = row.attribute("r"); r) {
      const long v = std::strtol(r.value(), nullptr, 10);
      if (v < 1 || v > 1048576)
        return FileError(fmt::format("XLSX 文件已损坏：行号“{}”无效", Utf8Prefix(r.value(), 20)), "corrupt_file");
      number = static_cast<int>(v);
    }
    next_row = number + 1;
    std::vector<std::string> cells;
    long next_col = 0;
    for (pugi::xml_node c : row.children()) {
      if (c.type() != pugi::node_element || LocalName(c.name()) != "c") continue;
      long col = next_col;
      if (const auto ref = c.attribute("r"); ref) {
        col = ColumnOf(ref.value());
        if (col < 0)
          return FileError(fmt::format("XLSX 文件已损坏：单元格“{}”无效", Utf8Prefix(ref.value(), 20)), "corrupt_file");
      }
      next_col = col + 1;
      const std::string_view type = c.attribute("t").value();
      std::string value;
      if (type == "inlineStr") {
        CollectText(Child(c, "is"), value);
      } else {
        const std::string raw = Child(c, "v").child_value();
        if (type == "s") {
          char* end = nullptr;
          const unsigned long idx = std::strtoul(raw.c_str(), &end, 10);
          if (raw.empty() || *end != '\0' || idx >= shared.size())
            return FileError(fmt::format("XLSX 文件已损坏：第 {} 行引用了不存在的共享字符串", number), "corrupt_file");
          value = shared[idx];
        } else if (type == "b") {
          value = raw == "1" ? "TRUE" : "FALSE";
        } else if (type == "str" || type == "e" || type == "d") {
          value = raw;
        } else {
          value = FormatNumber(raw);
        }
      }
      if (value.size() > limits.max_cell_bytes)
        return FileError(fmt::format("第 {} 行有一个单元格超过 {} 字节", number, limits.max_cell_bytes), "too_large");
      // XML is Unicode, but pugixml passes invalid bytes through: refuse them here rather than let
      // them reach the database (PostgreSQL refuses them) or a JSON response.
      if (!IsValidUtf8(value))
        return FileError(fmt::format("XLSX 文件已损坏：第 {} 行有一个单元格不是有效的 UTF-8 文字", number),
                         "corrupt_file");
      if (static_cast<std::size_t>(col) >= limits.max_columns) {
        if (!Trim(value).empty())
          return FileError(fmt::format("第 {} 行超过 {} 列", number, limits.max_columns), "too_large");
        continue;
      }
      if (cells.size() <= static_cast<std::size_t>(col)) cells.resize(static_cast<std::size_t>(col) + 1);
      cells[static_cast<std::size_t>(col)] = std::move(value);
    }
    if (AllEmpty(cells)) continue;
    if (sheet.rows.size() >= limits.max_rows)
      return FileError(fmt::format("文件超过 {} 行，请分批导入", limits.max_rows), "too_large");
    sheet.rows.push_back({number, std::move(cells)});
  }
  return sheet;
}

std::string NormalizeHeader(std::string_view cell) {
  std::string out;
  out.reserve(cell.size());
  for (std::size_t i = 0; i < cell.size();) {
    const unsigned char c = static_cast<unsigned char>(cell[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (cell.substr(i, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
      i += 3;
    } else if (cell.substr(i, 2) == "\xC2\xA0") {  // U+00A0 no-break space
      i += 2;
    } else {
      out += cell[i++];
    }
  }
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (std::string_view mark : {std::string_view("*"), std::string_view("\xEF\xBC\x8A")}) {  // * ＊
      if (out.starts_with(mark)) {
        out.erase(0, mark.size());
        trimmed = true;
      }
      if (out.ends_with(mark)) {
        out.erase(out.size() - mark.size());
        trimmed = true;
      }
    }
  }
  return out;
}

Result<Sheet> ReadSheet(std::string_view bytes, std::string_view filename, const SheetLimits& limits) {
  if (bytes.empty()) return FileError("文件为空", "empty_file");
  if (bytes.size() > limits.max_file_bytes)
    return Fail(ErrorCode::kPayloadTooLarge, fmt::format("文件超过 {} MB", limits.max_file_bytes >> 20), "file");
  const std::string ext = LowerExtension(filename);
  const bool zip_magic = bytes.starts_with(std::string_view("PK\x03\x04", 4));
  if (zip_magic) return ReadXlsx(bytes, limits);
  if (ext == "xlsx") return Unsupported("文件扩展名是 .xlsx，但内容不是 XLSX；仅支持 CSV 或 XLSX 文件");
  if (ext == "xls" || bytes.starts_with(std::string_view("\xD0\xCF\x11\xE0", 4)))
    return Unsupported("仅支持 CSV 或 XLSX 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）");
  if (!ext.empty() && ext != "csv" && ext != "txt") return Unsupported();
  return ReadCsv(bytes, limits);
}

namespace {

void AppendCsvField(std::string& out, std::string_view cell, bool defuse) {
  std::string guarded;
  if (defuse && !cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
    guarded = "'" + std::string(cell);
    cell = guarded;
  }
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A number as a person reads it: the format's decimals ("0.00" → 2), else integers without ".0"
// and other values in their shortest exact form.
std::string NumberText(const Cell& c) {
  if (!std::isfinite(c.number)) return {};
  if (const auto dot = c.num_format.find('.'); dot != std::string::npos) {
    int decimals = 0;
    for (std::size_t i = dot + 1; i < c.num_format.size() && c.num_format[i] == '0'; ++i) ++decimals;
    return fmt::format("{:.{}f}", c.number, decimals);
  }
  if (std::fabs(c.number) < 1e15 && c.number == std::floor(c.number))
    return fmt::format("{}", static_cast<long long>(c.number));
  return fmt::format("{}", c.number);
}

}  // namespace

std::vector<CellRow> TextCells(const std::vector<std::vector<std::string>>& rows) {
  std::vector<CellRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.emplace_back(r.begin(), r.end());
  return out;
}

std::string WriteCsv(const std::vector<std::vector<std::string>>& rows) {
  std::string out(kUtf8Bom);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      AppendCsvField(out, row[i], true);
    }
    out += "\r\n";
  }
  return out;
}

std::string WriteCsvCells(const std::vector<CellRow>& rows) {
  std::string out(kUtf8Bom);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      const Cell& c = row[i];
      if (c.kind == Cell::Kind::kNumber)
        out += NumberText(c);
      else if (c.kind == Cell::Kind::kText)
        AppendCsvField(out, c.text, true);
    }
    out += "\r\n";
  }
  return out;
}

namespace {

// The formats of one workbook, made once per (number format, bold) pair.
class XlsxFormats {
 public:
  explicit XlsxFormats(lxw_workbook* wb) : wb_(wb) {}
  // Text cells and text columns: "@" (文本), so what a person types later stays text as well.
  lxw_format* Text(bool bold) { return Get("@", bold); }
  // An explicit format even for General: a cell without one would take its column's "@".
  lxw_format* Number(const std::string& format, bool bold) { return Get(format.empty() ? "General" : format, bold); }

 private:
  lxw_format* Get(const std::string& num_format, bool bold) {
    auto& f = formats_[{num_format, bold}];
    if (!f) {
      f = workbook_add_format(wb_);
      if (!num_format.empty()) format_set_num_format(f, num_format.c_str());
      if (bold) format_set_bold(f);
    }
    return f;
  }
  lxw_workbook* wb_;
  std::map<std::pair<std::string, bool>, lxw_format*> formats_;
};

void WriteSheet(lxw_worksheet* ws, XlsxFormats& formats, const SheetData& s) {
  std::size_t cols = s.column_widths.size();
  for (const auto& r : s.rows) cols = std::max(cols, r.size());
  for (std::size_t c = 0; c < cols; ++c) {
    const double width = c < s.column_widths.size() ? s.column_widths[c] : 14;
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width, formats.Text(false));
  }
  for (std::size_t r = 0; r < s.rows.size(); ++r) {
    const bool header = s.header_row && r == 0;
    for (std::size_t c = 0; c < s.rows[r].size(); ++c) {
      const Cell& cell = s.rows[r][c];
      const auto row = static_cast<lxw_row_t>(r);
      const auto col = static_cast<lxw_col_t>(c);
      if (cell.kind == Cell::Kind::kText)
        worksheet_write_string(ws, row, col, cell.text.c_str(), formats.Text(header || cell.bold));
      else if (cell.kind == Cell::Kind::kNumber && std::isfinite(cell.number))
        worksheet_write_number(ws, row, col, cell.number, formats.Number(cell.num_format, header || cell.bold));
    }
  }
  if (s.header_row && !s.rows.empty()) worksheet_freeze_panes(ws, 1, 0);
}

}  // namespace

Result<std::string> WriteXlsx(const std::vector<SheetData>& sheets) {
  auto file = FZ_TRY(TempFile::Create("fazhi-sheet", ".xlsx"));
  lxw_workbook* wb = workbook_new(file.path().c_str());
  if (!wb) return Internal("无法创建 XLSX 文件");
  XlsxFormats formats(wb);
  for (const auto& s : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.empty() ? nullptr : s.name.c_str());
    if (!ws) {
      workbook_close(wb);
      return Internal("无法创建工作表 " + s.name);
    }
    WriteSheet(ws, formats, s);
  }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) return Internal(std::string("生成 XLSX 文件失败：") + lxw_strerror(err));
  std::string bytes = FZ_TRY(file.ReadAll());
  if (bytes.empty()) return Internal("生成 XLSX 文件失败：文件为空");
  return bytes;
}

}  // namespace fazhi::files
