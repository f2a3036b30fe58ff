// The compact stored form of a draft ledger (scoring/ledger_codec.h, docs/scoring.md 第五轮): what is
// decoded must be the computed ledger entry for entry, reason for reason, hash text for hash text.
#include <gtest/gtest.h>

#include <random>

#include "scoring/ledger_codec.h"
#include "scoring/scoring_fixture.h"

namespace fazhi::scoring {
namespace {

using points::RawFact;

std::string Text(const Ledger& l) {
  std::string out;
  SerializeLedger(l, [&](std::string_view piece) { out.append(piece); });
  return out;
}

// Every kind of row: stage shares (weights, splits, several leads), bonuses, deductions by rule,
// severity, finding category and units, a fact about no case (its note is the reason), facts of an
// unknown act (no rows) and enough points for both monthly caps.
std::vector<RawFact> MixedFacts() {
  std::mt19937_64 rng(20230705);
  const auto below = [&](std::uint64_t n) { return static_cast<std::int64_t>(rng() % n); };
  const std::vector<std::string> stages = {"accept_case",          "file_case",        "conclude_case",
                                           "transfer_prosecution", "penalty_decision", "typical_case"};
  std::vector<RawFact> facts;
  for (std::int64_t c = 1; c <= 800; ++c) {
    RawFact f;
    f.act = stages[static_cast<std::size_t>(below(stages.size()))];
    f.object_type = "case";
    f.object_id = c;
    f.case_id = c;
    f.case_label = c % 7 == 0 ? "" : "A2023-" + std::to_string(c) + "（\"引号\"\\案\n）";
    f.case_category = c % 3 == 0 ? "电信网络诈骗" : "";
    f.at = 1688140800 + below(86400 * 30);
    f.officers.push_back({2000 + below(12), true});
    if (c % 5 == 0) f.officers.push_back({2000 + below(12), true});
    for (std::int64_t a = below(3); a > 0; --a) f.officers.push_back({2000 + below(12), false});
    if (c % 11 == 0) f.officers.erase(f.officers.begin());  // 协办 only (or nobody)
    facts.push_back(f);
    RawFact d;
    d.object_id = c;
    d.case_id = c % 4 == 0 ? 0 : c;
    d.case_label = f.case_label;
    d.at = f.at;
    d.officers.push_back({2000 + below(12), true});
    switch (c % 6) {
      case 0: d.act = "violation", d.variant = "serious", d.rule_id = "CRIM-DETAIN-04"; break;
      case 1: d.act = "violation", d.variant = "normal"; break;
      case 2: d.act = "review_finding", d.variant = "procedure", d.note = "立案审核：证据链\t不完整"; break;
      case 3: d.act = "order_overdue", d.units = 3, d.note = "督办 #" + std::to_string(c) + " 逾期未答复"; break;
      case 4: d.act = "no_such_act"; break;
      default: continue;
    }
    d.object_type = d.act;
    facts.push_back(std::move(d));
  }
  RawFact patrol;  // no case: the note says what it was
  patrol.act = "typical_case";
  patrol.object_type = "patrol_checkin";
  patrol.object_id = 77;
  patrol.note = "巡逻签到：东街";
  patrol.at = 1688200000;
  patrol.officers.push_back({2003, true});
  facts.push_back(std::move(patrol));
  return facts;
}

Ledger MixedLedger(int scheme_version) {
  Ledger l = BuildLedger(ParseScheme(testing::ScoringData::TestScheme()).value(), scheme_version, MixedFacts());
  for (auto& r : l.rows) r.unit_id = 40 + r.person_id % 3;
  return l;
}

TEST(LedgerCodecTest, DecodedLedgerIsTheComputedOneEntryForEntry) {
  const Ledger l = MixedLedger(3);
  bool caps = false, shares = false, deductions = false;
  for (const auto& r : l.rows) {
    caps = caps || r.kind == RowKind::kCapPositive || r.kind == RowKind::kCapNegative;
    shares = shares || r.kind == RowKind::kShare;
    deductions = deductions || r.kind == RowKind::kDeduction;
  }
  ASSERT_TRUE(caps && shares && deductions);
  const std::string stored = EncodeLedger(l);
  for (const char c : stored) ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "not printable ASCII";
  const auto back = DecodeLedger(stored);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), l.size());
  EXPECT_EQ(back->scheme_version, 3);
  // The canonical text (what the ledger hash is taken of) and every entry with its reason.
  const std::string text = Text(l);
  EXPECT_EQ(Text(*back), text);
  EXPECT_EQ(SerializeLedger(back->Entries()), SerializeLedger(l.Entries()));
  for (std::size_t i = 0; i < l.size(); ++i) {
    const Entry a = l.EntryAt(i), b = back->EntryAt(i);
    ASSERT_EQ(b.reason, a.reason) << i;
    ASSERT_EQ(b.unit_id, a.unit_id) << i;
    ASSERT_EQ(b.occurred_at, a.occurred_at) << i;
  }
  // Only the referenced facts are kept (the unknown act's are not), and it is far smaller than the text.
  EXPECT_LT(back->facts.size(), l.facts.size());
  EXPECT_LT(stored.size() * 8, text.size());
  // Encoding is deterministic.
  EXPECT_EQ(EncodeLedger(*back), stored);
}

TEST(LedgerCodecTest, EmptyLedgerRoundTrips) {
  Ledger l = BuildLedger(ParseScheme(testing::ScoringData::TestScheme()).value(), 1, {});
  const auto back = DecodeLedger(EncodeLedger(l));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->size(), 0u);
  EXPECT_EQ(Text(*back), "");
}

TEST(LedgerCodecTest, DamagedTextIsRefused) {
  const std::string stored = EncodeLedger(MixedLedger(1));
  EXPECT_FALSE(DecodeLedger(""));
  EXPECT_FALSE(DecodeLedger("FZL1"));
  EXPECT_FALSE(DecodeLedger("XZL1" + stored.substr(4)));
  EXPECT_FALSE(DecodeLedger(stored.substr(0, stored.size() - 4)));
  EXPECT_FALSE(DecodeLedger(stored.substr(0, stored.size() / 2)));
  std::string flipped = stored;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(DecodeLedger(flipped));  // zlib's checksum
  std::string bad = stored;
  bad[10] = '*';
  EXPECT_FALSE(DecodeLedger(bad));
}

}  // namespace
}  // namespace fazhi::scoring
