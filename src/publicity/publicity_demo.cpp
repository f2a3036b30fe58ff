#include "publicity/publicity_demo.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "files/attachments.h"
#include "org/org_reads.h"
#include "publicity/publicity_store.h"
#include "publicity/publicity_types.h"

namespace fazhi::publicity {

namespace {

struct Spec {
  const char* campaign;
  const char* title;
  const char* place;
  const char* laws;
};

// One event per campaign for each unit that takes part (派出所 and the 法制大队), in calendar order.
constexpr Spec kCampaignEvents[] = {
    {"police_day", "“110宣传日”暨人民警察节开放日", "分局办事大厅", "《中华人民共和国人民警察法》"},
    {"security_day", "全民国家安全教育日进社区", "辖区社区广场",
     "《中华人民共和国国家安全法》《中华人民共和国反间谍法》"},
    {"econ_crime_day", "防范非法集资与电信网络诈骗宣传", "辖区商业街",
     "《防范和处置非法集资条例》《中华人民共和国反电信网络诈骗法》"},
    {"drug_day", "国际禁毒日禁毒知识进校园", "辖区中学", "《中华人民共和国禁毒法》"},
    {"cyber_week", "网络安全宣传周进企业", "辖区企业", "《中华人民共和国网络安全法》《中华人民共和国个人信息保护法》"},
    {"constitution_week", "宪法宣传周“宪法进万家”", "辖区村（社区）", "《中华人民共和国宪法》"},
};

constexpr const char* kDuties[][2] = {
    {"《中华人民共和国治安管理处罚法》", "辖区群众"}, {"《中华人民共和国反电信网络诈骗法》", "辖区群众、企业"},
    {"《中华人民共和国禁毒法》", "学校、娱乐场所"},   {"《中华人民共和国道路交通安全法》", "驾驶人、学校"},
    {"《中华人民共和国网络安全法》", "企业、网吧"},   {"《中华人民共和国宪法》", "全体群众"},
};

// ---- demo photos: small PNG pictures drawn in code (no image library), the same bytes every run ----

constexpr int kPhotoW = 120, kPhotoH = 80;

std::uint32_t Crc32(std::string_view bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void Be32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xFF));
}

void Chunk(std::string& png, const char* type, const std::string& data) {
  Be32(png, static_cast<std::uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  png += body;
  Be32(png, Crc32(body));
}

// An RGB PNG of kPhotoW × kPhotoH: sky in the campaign's colour, a red banner, a stage, and rows of
// heads in the crowd; `seed` shifts the crowd. The image data is one stored (uncompressed) deflate
// block, so no zlib is needed (120 × 80 × 3 + 80 bytes < 65535).
std::string DemoPhoto(std::uint32_t rgb, unsigned seed) {
  std::string raw;
  for (int y = 0; y < kPhotoH; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < kPhotoW; ++x) {
      int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
      const int shade = y * 60 / kPhotoH;  // the sky darkens towards the ground
      r = std::max(0, r - shade), g = std::max(0, g - shade), b = std::max(0, b - shade);
      if (y >= 10 && y < 22 && x >= 20 && x < 100) r = 200, g = 30, b = 30;                 // banner
      if (y >= 14 && y < 18 && x >= 28 && x < 92 && (x / 4) % 2 == 0) r = g = 240, b = 90;  // its words
      if (y >= 30 && y < 40 && x >= 35 && x < 85) r = 150, g = 110, b = 70;                 // stage
      if (y >= 48) {                                                                        // the crowd
        const int cx = (x + static_cast<int>(seed * 7) + (y / 8) * 5) % 10, cy = (y - 48) % 8;
        const bool head = (cx - 5) * (cx - 5) + (cy - 4) * (cy - 4) <= 9;
        const unsigned tone = (static_cast<unsigned>(x / 10) * 31u + static_cast<unsigned>(y / 8) * 17u + seed) % 4;
        if (head)
          r = 40 + 30 * static_cast<int>(tone), g = 35 + 20 * static_cast<int>(tone), b = 30;
        else
          r = 70, g = 110, b = 60;  // the square
      }
      raw.push_back(static_cast<char>(r));
      raw.push_back(static_cast<char>(g));
      raw.push_back(static_cast<char>(b));
    }
  }
  std::string z = "\x78\x01";  // zlib header, then one final stored block
  z.push_back(1);
  const auto len = static_cast<std::uint16_t>(raw.size());
  z.push_back(static_cast<char>(len & 0xFF));
  z.push_back(static_cast<char>(len >> 8));
  z.push_back(static_cast<char>(~len & 0xFF));
  z.push_back(static_cast<char>((~len >> 8) & 0xFF));
  z += raw;
  std::uint32_t a = 1, b2 = 0;  // adler32
  for (const unsigned char c : raw) a = (a + c) % 65521, b2 = (b2 + a) % 65521;
  Be32(z, (b2 << 16) | a);
  std::string ihdr;
  Be32(ihdr, kPhotoW);
  Be32(ihdr, kPhotoH);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB
  std::string png = "\x89PNG\r\n\x1A\n";
  Chunk(png, "IHDR", ihdr);
  Chunk(png, "IDAT", z);
  Chunk(png, "IEND", "");
  return png;
}

// The sky of each campaign's photos, in calendar order.
constexpr std::uint32_t kCampaignSky[] = {0x6FA8DC, 0x93C47D, 0xF6B26B, 0x8E7CC3, 0x76A5AF, 0xE06666};
constexpr std::size_t kPhotoUnits = 2;  // the first two units' campaign events get two photos each

}  // namespace

Result<std::vector<std::string>> GeneratePublicityDemo(db::Database& db, int year) {
  return db.Write([&](soci::session& sql) -> Result<std::vector<std::string>> {
    db::SqlArgs a;
    const auto bureau_id = db::ScalarInt(
        sql, fmt::format("SELECT id FROM units WHERE name = {} AND level = 'bureau'", a.Str("城区分局")), a);
    if (!bureau_id) return std::vector<std::string>{"谁执法谁普法：没有演示单位，未生成。"};
    const auto bureau = org::ReadUnit(sql, *bureau_id);
    const EpochSeconds from = LocalMidnight(CivilDate{year, 1, 1}), to = LocalMidnight(CivilDate{year + 1, 1, 1});
    if (!store::YearEvents(sql, bureau->path, from, to).empty())
      return std::vector<std::string>{"谁执法谁普法演示数据已存在，未做改动。"};
    std::vector<org::UnitRef> units;
    for (auto& u : org::ReadUnitsUnder(sql, bureau->path))
      if (u.level == "team" && (u.category == "派出所" || org::IsLegalUnit(u.name, u.category))) units.push_back(u);
    const EpochSeconds now = from;
    int duties = 0, events = 0, items = 0, photos = 0;
    files::AttachmentStore store_files(db);
    std::int64_t audience = 0;
    for (std::size_t k = 0; k < units.size(); ++k) {
      const auto& u = units[k];
      for (std::size_t d = 0; d < std::size(kDuties); ++d)
        if ((d + k) % 3 != 2 && !store::HasDuty(sql, u.id, kDuties[d][0])) {
          store::InsertDuty(
              sql, {.bureau_id = u.bureau_id, .unit_id = u.id, .law = kDuties[d][0], .audience = kDuties[d][1]},
              std::nullopt, now);
          ++duties;
        }
      const std::pair<const char*, CivilDate> stages[] = {
          {"plan", {year, 1, 31}}, {"midyear", {year, 7, 15}}, {"summary", {year, 12, 20}}};
      for (const auto& [stage, due] : stages) {
        if (!store::InsertCycleItem(sql, u.bureau_id, u.id, year, stage, LocalMidnight(due) + 86399, now)) continue;
        ++items;
      }
    }
    // Submit the stages: on time, except the first 派出所's mid-year check (three days late).
    for (const auto& it : store::ListCycle(sql, bureau->path, year, to)) {
      const bool late = it.stage == "midyear" && !units.empty() && it.unit_id == units.front().id;
      store::SubmitCycleItem(sql, it.id,
                             fmt::format("{}{} 年{}（演示）", it.unit_name, year,
                                         it.stage == "plan"      ? "普法工作计划"
                                         : it.stage == "midyear" ? "年中普法工作自查报告"
                                                                 : "普法工作总结"),
                             std::nullopt, it.due_at + (late ? 3 * 86400 : -5 * 86400));
    }
    const auto campaigns = Campaigns(year);
    for (std::size_t k = 0; k < units.size(); ++k) {
      const auto& u = units[k];
      for (std::size_t c = 0; c < std::size(kCampaignEvents); ++c) {
        const Spec& s = kCampaignEvents[c];
        const Campaign& cal = campaigns[c];
        const std::int64_t people = 80 + static_cast<std::int64_t>((k * 37 + c * 53) % 220);
        const std::int64_t event_id = store::InsertEvent(
            sql,
            {.bureau_id = u.bureau_id,
             .unit_id = u.id,
             .campaign = cal.code,
             .title = s.title,
             .place = s.place,
             .laws = s.laws,
             .summary = fmt::format("{}民警现场发放宣传资料、解答群众咨询。", u.name),
             .held_at = cal.from + 9 * 3600 + (static_cast<EpochSeconds>(k % 3) * 86400) % (cal.to - cal.from),
             .audience = people},
            std::nullopt, now);
        ++events;
        audience += people;
        for (unsigned n = 0; k < kPhotoUnits && n < 2; ++n) {
          FZ_TRY(store_files.Put(sql,
                                 {.filename = fmt::format("{}-{}-现场{}.png", u.name, cal.name, n + 1),
                                  .content_type = "image/png",
                                  .bytes = DemoPhoto(kCampaignSky[c], static_cast<unsigned>(k * 10 + c * 2 + n))},
                                 {.type = "publicity_photo", .id = event_id, .bureau_id = u.bureau_id}, std::nullopt,
                                 now));
          ++photos;
        }
      }
      // Everyday publicity: one in March and one in October.
      for (const int month : {3, 10}) {
        const std::int64_t people = 30 + static_cast<std::int64_t>((k * 13 + month) % 60);
        store::InsertEvent(sql,
                           {.bureau_id = u.bureau_id,
                            .unit_id = u.id,
                            .campaign = "",
                            .title = "以案说法进社区",
                            .place = "辖区社区",
                            .laws = "《中华人民共和国治安管理处罚法》",
                            .summary = "结合辖区典型案例讲解防范知识。",
                            .held_at = LocalMidnight(CivilDate{year, month, static_cast<int>(5 + k)}) + 15 * 3600,
                            .audience = people},
                           std::nullopt, now);
        ++events;
        audience += people;
      }
    }
    return std::vector<std::string>{
        fmt::format("已生成 {} 年谁执法谁普法：{} 个单位的普法责任清单 {} 项，年度计划/年中检查/年终总结 {} 项，"
                    "普法活动 {} 场（六个宣传节点各 {} 场），受众 {} 人次，活动照片 {} 张。",
                    year, units.size(), duties, items, events, units.size(), audience, photos)};
  });
}

}  // namespace fazhi::publicity
