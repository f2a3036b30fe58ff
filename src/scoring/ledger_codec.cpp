#include "scoring/ledger_codec.h"

#include <zlib.h>

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "files/base64.h"

namespace fazhi::scoring {

namespace {

// Format: "FZL1" + base64( varint raw size + deflate(raw) ), raw being
//   varint scheme_version, lead_percent, assist_percent, fact count, row count;
//   per fact: act, variant, rule_id, object_type, case_label, case_category, note (length + bytes),
//             object_id, case_id, at, units (zigzag);
//   per row: person_id − previous row's person_id, unit_id, points, a, b (zigzag), fact, share_count,
//            kind | label << 2 | basis << 5 (one byte).
// Officers are not kept: no reason or entry field reads them once the rows exist.
constexpr std::string_view kMagic = "FZL1";
constexpr std::size_t kMaxRaw = std::size_t{1} << 31;

class Writer {
 public:
  void U(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void S(std::int64_t v) { U((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void Str(std::string_view s) {
    U(s.size());
    out_.append(s);
  }
  void Byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  std::size_t pos() const { return pos_; }
  std::uint64_t U() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      const auto b = static_cast<std::uint8_t>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  std::int64_t S() {
    const std::uint64_t u = U();
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  std::string Str() {
    const std::uint64_t n = U();
    if (!ok_ || n > in_.size() - pos_) return Fail(), std::string();
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::uint8_t Byte() {
    if (pos_ >= in_.size()) return static_cast<std::uint8_t>(Fail());
    return static_cast<std::uint8_t>(in_[pos_++]);
  }

 private:
  std::uint64_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void WriteFact(Writer& w, const points::RawFact& f) {
  w.Str(f.act);
  w.Str(f.variant);
  w.Str(f.rule_id);
  w.Str(f.object_type);
  w.Str(f.case_label);
  w.Str(f.case_category);
  w.Str(f.note);
  w.S(f.object_id);
  w.S(f.case_id);
  w.S(f.at);
  w.S(f.units);
}

points::RawFact ReadFact(Reader& r) {
  points::RawFact f;
  f.act = r.Str();
  f.variant = r.Str();
  f.rule_id = r.Str();
  f.object_type = r.Str();
  f.case_label = r.Str();
  f.case_category = r.Str();
  f.note = r.Str();
  f.object_id = r.S();
  f.case_id = r.S();
  f.at = r.S();
  f.units = static_cast<int>(r.S());
  return f;
}

bool IsCap(const LedgerRow& row) { return row.kind == RowKind::kCapPositive || row.kind == RowKind::kCapNegative; }

// The rows and the facts they refer to, as the raw (not yet deflated) bytes.
std::string RawBytes(const Ledger& l) {
  constexpr std::uint32_t kUnused = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> renumber(l.facts.size(), kUnused);
  for (const auto& row : l.rows)
    if (!IsCap(row)) renumber[row.fact] = 0;
  std::uint32_t kept = 0;
  for (auto& n : renumber)
    if (n != kUnused) n = kept++;
  Writer w;
  w.out().reserve(l.rows.size() * 12 + kept * 64 + 64);
  w.U(static_cast<std::uint64_t>(l.scheme_version));
  w.S(l.lead_percent);
  w.S(l.assist_percent);
  w.U(kept);
  w.U(l.rows.size());
  for (std::size_t i = 0; i < l.facts.size(); ++i)
    if (renumber[i] != kUnused) WriteFact(w, l.facts[i]);
  std::int64_t person = 0;
  for (const auto& row : l.rows) {
    w.S(row.person_id - person);
    person = row.person_id;
    w.S(row.unit_id);
    w.S(row.points);
    w.S(row.a);
    w.S(row.b);
    w.U(IsCap(row) ? 0 : renumber[row.fact]);
    w.U(row.share_count);
    w.Byte(static_cast<std::uint8_t>(static_cast<unsigned>(row.kind) | static_cast<unsigned>(row.label) << 2 |
                                     static_cast<unsigned>(row.basis) << 5));
  }
  return std::move(w.out());
}

bool ReadRow(Reader& r, std::int64_t& person, std::size_t facts, LedgerRow& row) {
  person += r.S();
  row.person_id = person;
  row.unit_id = r.S();
  row.points = r.S();
  row.a = r.S();
  row.b = r.S();
  const std::uint64_t fact = r.U();
  const std::uint64_t share_count = r.U();
  const std::uint8_t bits = r.Byte();
  const unsigned kind = bits & 3, label = (bits >> 2) & 7, basis = bits >> 5;
  if (label > static_cast<unsigned>(ShareLabel::kAssistPercent) ||
      basis > static_cast<unsigned>(DeductionBasis::kUnits) || share_count > std::numeric_limits<std::uint32_t>::max())
    return false;
  row.kind = static_cast<RowKind>(kind);
  row.label = static_cast<ShareLabel>(label);
  row.basis = static_cast<DeductionBasis>(basis);
  row.share_count = static_cast<std::uint32_t>(share_count);
  row.fact = static_cast<std::uint32_t>(fact);
  return IsCap(row) || fact < facts;
}

std::optional<Ledger> FromRaw(std::string_view raw) {
  Reader r(raw);
  Ledger l;
  l.scheme_version = static_cast<int>(r.U());
  l.lead_percent = static_cast<int>(r.S());
  l.assist_percent = static_cast<int>(r.S());
  const std::uint64_t facts = r.U(), rows = r.U();
  // Every fact and row takes at least one byte each field: counts beyond the text are damage.
  if (!r.ok() || facts > raw.size() || rows > raw.size()) return std::nullopt;
  l.facts.reserve(facts);
  l.act.reserve(facts);
  for (std::uint64_t i = 0; i < facts && r.ok(); ++i) {
    l.facts.push_back(ReadFact(r));
    const ActInfo* act = FindAct(l.facts.back().act);
    if (act == nullptr) return std::nullopt;  // rows refer only to facts of known acts
    l.act.push_back(act);
  }
  l.rows.resize(rows);
  std::int64_t person = 0;
  for (auto& row : l.rows)
    if (!r.ok() || !ReadRow(r, person, l.facts.size(), row)) return std::nullopt;
  if (!r.ok() || !r.done()) return std::nullopt;
  return l;
}

}  // namespace

std::string EncodeLedger(const Ledger& ledger) {
  const std::string raw = RawBytes(ledger);
  Writer head;
  head.U(raw.size());
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed = std::move(head.out());
  const std::size_t at = packed.size();
  packed.resize(at + size);
  if (compress2(reinterpret_cast<Bytef*>(packed.data() + at), &size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_BEST_SPEED) != Z_OK)
    throw std::runtime_error("zlib compress2 failed");
  packed.resize(at + size);
  std::string out(kMagic);
  out += files::Base64(packed);
  return out;
}

std::optional<Ledger> DecodeLedger(std::string_view text) {
  if (!text.starts_with(kMagic)) return std::nullopt;
  const auto packed = files::FromBase64(text.substr(kMagic.size()));
  if (!packed) return std::nullopt;
  Reader head(*packed);
  const std::uint64_t raw_size = head.U();
  if (!head.ok() || raw_size > kMaxRaw) return std::nullopt;
  const std::size_t at = head.pos();
  std::string raw(raw_size, '\0');
  uLongf size = static_cast<uLongf>(raw_size);
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &size, reinterpret_cast<const Bytef*>(packed->data() + at),
                 static_cast<uLong>(packed->size() - at)) != Z_OK ||
      size != raw_size)
    return std::nullopt;
  return FromRaw(raw);
}

}  // namespace fazhi::scoring
