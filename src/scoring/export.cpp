#include "scoring/export.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/local_time.h"
#include "core/markup.h"

namespace fazhi::scoring {

namespace {

double Num(Centi c) { return static_cast<double>(c) / 100.0; }

std::string StatusZh(const std::string& s) {
  if (s == "draft") return "草稿";
  if (s == "published") return "公示中";
  if (s == "final") return "已定稿";
  if (s == "preview") return "预览（未保存）";
  return s;
}

std::string TempXlsxPath() {
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec);
  if (ec) return {};
  std::string tmpl = (dir / "fazhi_score_XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return {};
  ::close(fd);
  std::filesystem::remove(tmpl, ec);
  return tmpl + ".xlsx";
}

}  // namespace

std::string MovementText(const std::optional<int>& m) {
  if (!m) return "新";
  if (*m > 0) return fmt::format("↑{}", *m);
  if (*m < 0) return fmt::format("↓{}", -*m);
  return "—";
}

Result<std::string> WriteMonthXlsx(const RankingView& view, const std::vector<EntryView>& entries) {
  const std::string path = TempXlsxPath();
  if (path.empty()) return Internal("无法创建临时文件");
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Internal("无法创建 XLSX 文件");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* text = workbook_add_format(wb);
  format_set_num_format(text, "@");
  lxw_format* points = workbook_add_format(wb);
  format_set_num_format(points, "0.00");

  auto header = [&](lxw_worksheet* ws, const std::vector<std::string>& cols, const std::vector<double>& widths) {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), c < widths.size() ? widths[c] : 12,
                           nullptr);
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), cols[c].c_str(), bold);
    }
    worksheet_freeze_panes(ws, 1, 0);
  };
  auto str = [&](lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& s) {
    worksheet_write_string(ws, r, c, s.c_str(), text);
  };
  auto num = [&](lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, Centi v) {
    worksheet_write_number(ws, r, c, Num(v), points);
  };
  auto opt_int = [&](lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::optional<int>& v) {
    if (v) worksheet_write_number(ws, r, c, *v, nullptr);
  };

  lxw_worksheet* officers = workbook_add_worksheet(wb, "民警积分排名");
  header(officers,
         {"分局排名", "单位内排名", "姓名", "警号", "单位", "本月积分", "加分", "扣分", "条目数", "上月排名", "升降"},
         {10, 10, 10, 12, 16, 10, 10, 10, 8, 10, 8});
  lxw_row_t row = 1;
  for (const auto& o : view.rankings.officers) {
    worksheet_write_number(officers, row, 0, o.rank_bureau, nullptr);
    worksheet_write_number(officers, row, 1, o.rank_unit, nullptr);
    str(officers, row, 2, o.name);
    str(officers, row, 3, o.badge_no);
    str(officers, row, 4, o.unit_name);
    num(officers, row, 5, o.total);
    num(officers, row, 6, o.positive);
    num(officers, row, 7, o.negative);
    worksheet_write_number(officers, row, 8, o.entries, nullptr);
    opt_int(officers, row, 9, o.prev_rank_bureau);
    str(officers, row, 10, MovementText(o.movement));
    ++row;
  }

  lxw_worksheet* units = workbook_add_worksheet(wb, "单位积分排名");
  header(units, {"排名", "单位", "人数", "总积分", "人均积分", "上月排名", "升降"}, {8, 18, 8, 10, 10, 10, 8});
  row = 1;
  for (const auto& u : view.rankings.units) {
    worksheet_write_number(units, row, 0, u.rank, nullptr);
    str(units, row, 1, u.name);
    worksheet_write_number(units, row, 2, u.members, nullptr);
    num(units, row, 3, u.total);
    num(units, row, 4, u.per_capita);
    opt_int(units, row, 5, u.prev_rank);
    str(units, row, 6, MovementText(u.movement));
    ++row;
  }

  if (!entries.empty()) {
    lxw_worksheet* detail = workbook_add_worksheet(wb, "积分明细");
    header(detail,
           {"条目号", "姓名", "单位", "分值", "来源", "项目", "关联对象", "对象编号", "案件编号", "时间", "事由"},
           {10, 10, 16, 8, 14, 18, 16, 10, 10, 20, 80});
    row = 1;
    for (const auto& v : entries) {
      const Entry& e = v.entry;
      worksheet_write_number(detail, row, 0, static_cast<double>(e.id), nullptr);
      str(detail, row, 1, v.person_name);
      str(detail, row, 2, v.unit_name);
      num(detail, row, 3, e.points);
      str(detail, row, 4, e.source);
      str(detail, row, 5, e.act);
      str(detail, row, 6, e.object_type);
      if (e.object_id) worksheet_write_number(detail, row, 7, static_cast<double>(e.object_id), nullptr);
      if (e.case_id) worksheet_write_number(detail, row, 8, static_cast<double>(e.case_id), nullptr);
      if (e.occurred_at) str(detail, row, 9, FormatLocalDateTime(e.occurred_at));
      str(detail, row, 10, e.reason);
      ++row;
    }
  }

  lxw_worksheet* about = workbook_add_worksheet(wb, "说明");
  worksheet_set_column(about, 0, 0, 16, nullptr);
  worksheet_set_column(about, 1, 1, 60, nullptr);
  const std::vector<std::pair<std::string, std::string>> info = {
      {"分局", view.month.bureau_name},
      {"月份", view.month.month},
      {"状态", StatusZh(view.phase)},
      {"积分方案版本", std::to_string(view.month.scheme_version)},
      {"台账校验值", view.month.ledger_hash},
      {"说明",
       "积分均由案件数据自动计算，每一分可追溯到案件、违规、审核问题或督办；公示后 3 日内（以方案为准）可申请复核。"},
  };
  for (std::size_t i = 0; i < info.size(); ++i) {
    worksheet_write_string(about, static_cast<lxw_row_t>(i), 0, info[i].first.c_str(), bold);
    worksheet_write_string(about, static_cast<lxw_row_t>(i), 1, info[i].second.c_str(), text);
  }

  const lxw_error err = workbook_close(wb);
  std::string bytes;
  if (err == LXW_NO_ERROR) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (err != LXW_NO_ERROR || bytes.empty()) return Internal(std::string("生成 XLSX 文件失败：") + lxw_strerror(err));
  return bytes;
}

std::string PublicitySheetHtml(const RankingView& view) {
  std::string h;
  h += "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">";
  h += fmt::format("<title>{} {} 执法办案积分晾晒</title>", EscapeXml(view.month.bureau_name),
                   EscapeXml(view.month.month));
  h += "<style>@page{size:A4;margin:15mm}body{font-family:'SimSun','Songti SC',serif;font-size:12pt}"
       "h1{text-align:center;font-size:18pt}p.meta{text-align:center;color:#333}"
       "table{border-collapse:collapse;width:100%;margin:8pt 0}th,td{border:1px solid #000;padding:2pt 4pt;"
       "text-align:center}td.l{text-align:left}.up{color:#c00}.down{color:#060}"
       "h2{font-size:14pt;margin-top:14pt}tr{page-break-inside:avoid}</style></head><body>";
  h += fmt::format("<h1>{} {} 执法办案积分晾晒</h1>", EscapeXml(view.month.bureau_name), EscapeXml(view.month.month));
  std::string meta =
      "状态：" + StatusZh(view.phase) + "；积分方案第 " + std::to_string(view.month.scheme_version) + " 版";
  if (view.month.published_at) meta += "；公示时间 " + FormatLocalDateTime(*view.month.published_at);
  if (view.month.objection_deadline) meta += "；复核截止 " + FormatLocalDateTime(*view.month.objection_deadline);
  h += "<p class=\"meta\">" + EscapeXml(meta) + "</p>";
  auto move_cell = [](const std::optional<int>& m) {
    const char* cls = !m || *m == 0 ? "" : (*m > 0 ? "up" : "down");
    return fmt::format("<td class=\"{}\">{}</td>", cls, EscapeXml(MovementText(m)));
  };
  h += "<h2>一、单位积分排名</h2><table><tr><th>排名</th><th>单位</th><th>人数</th><th>总积分</th><th>人均积分</th>"
       "<th>较上月</th></tr>";
  for (const auto& u : view.rankings.units)
    h += fmt::format("<tr><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>", u.rank,
                     EscapeXml(u.name), u.members, FormatPoints(u.total), FormatPoints(u.per_capita),
                     move_cell(u.movement));
  h += "</table><h2>二、民警积分排名</h2><table><tr><th>排名</th><th>姓名</th><th>警号</th><th>单位</"
       "th><th>单位内排名</th>"
       "<th>本月积分</th><th>加分</th><th>扣分</th><th>较上月</th></tr>";
  for (const auto& o : view.rankings.officers)
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td "
        "class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
        o.rank_bureau, EscapeXml(o.name), EscapeXml(o.badge_no), EscapeXml(o.unit_name), o.rank_unit,
        FormatPoints(o.total), FormatPoints(o.positive), FormatPoints(o.negative), move_cell(o.movement));
  h += "</table><p>说明：积分由案件数据自动生成，每一分均可追溯至案件、违规、审核问题或督办；对本人积分有异议的，"
       "请在复核截止前通过系统申请复核。</p></body></html>";
  return h;
}

}  // namespace fazhi::scoring
