#include "cases/timeline_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/database.h"
#include "db/sql.h"
#include "supervision/events.h"

namespace fazhi::cases {

using db::ForEachRow;
using db::SqlArgs;

namespace detail {

nlohmann::json EmptyTimelineDoc(const std::string& case_id, const std::string& case_type, bool serious,
                                bool fast_track) {
  return {{"case_id", case_id},
          {"case_type", case_type},
          {"serious", serious},
          {"fast_track", fast_track},
          {"persons", nlohmann::json::array()},
          {"events", nlohmann::json::array()}};
}

Result<TimelineDoc> LoadTimelineDoc(soci::session& sql, std::int64_t case_id) {
  TimelineDoc out;
  bool found = false;
  {
    SqlArgs a;
    const std::string q =
        fmt::format("SELECT case_type, serious, fast_track FROM cases WHERE id = {}", a.Int(case_id));
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      found = true;
      out.doc = EmptyTimelineDoc(std::to_string(case_id), db::GetText(r, 0), db::GetInt64(r, 1) != 0,
                                 db::GetInt64(r, 2) != 0);
    });
  }
  if (!found) return NotFound("案件不存在");
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT ref, name, role, age, female, pregnant, nursing_infant, identity_unknown FROM case_persons "
        "WHERE case_id = {} ORDER BY id",
        a.Int(case_id));
    auto& persons = out.doc["persons"];
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      nlohmann::json p = {{"id", db::GetText(r, 0)}, {"role", db::GetText(r, 2)}};
      if (const std::string name = db::GetText(r, 1); !name.empty()) p["name"] = name;
      if (!db::IsNull(r, 3)) p["age"] = db::GetInt64(r, 3);
      if (db::GetInt64(r, 4)) p["female"] = true;
      if (db::GetInt64(r, 5)) p["pregnant"] = true;
      if (db::GetInt64(r, 6)) p["nursing_infant"] = true;
      if (db::GetInt64(r, 7)) p["identity_unknown"] = true;
      persons.push_back(std::move(p));
    });
  }
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT id, type, at, person_ref, item_code, attrs FROM case_events WHERE case_id = {} ORDER BY at, id",
        a.Int(case_id));
    auto& events = out.doc["events"];
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      const std::int64_t id = db::GetInt64(r, 0);
      nlohmann::json e = nlohmann::json::parse(db::GetText(r, 5), nullptr, false);
      if (!e.is_object()) e = nlohmann::json::object();
      const std::string type = db::GetText(r, 1);
      e["id"] = std::to_string(id);
      e["type"] = type;
      e["time"] = FormatLocalIso(db::GetInt64(r, 2));
      if (!db::IsNull(r, 3) && !db::GetText(r, 3).empty()) e["person"] = db::GetText(r, 3);
      if (!db::IsNull(r, 4) && !db::GetText(r, 4).empty()) e["item"] = db::GetText(r, 4);
      events.push_back(std::move(e));
      const auto t = supervision::EventTypeFromId(type);
      out.labels.push_back(fmt::format("已登记的事件 #{}（{}）", id,
                                       t ? std::string(supervision::EventTypeName(*t)) : type));
    });
  }
  return out;
}

namespace {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

}  // namespace

Result<supervision::CaseTimeline> ValidateTimeline(const TimelineDoc& base, const std::vector<PendingEvent>& pending,
                                                   int* bad_pending) {
  if (bad_pending) *bad_pending = -1;
  nlohmann::json doc = base.doc;
  auto& events = doc["events"];
  const std::size_t stored = events.size();
  for (const auto& p : pending) events.push_back(p.object);
  auto tl = supervision::ParseTimeline(doc.dump());
  if (tl) return tl;

  // ParseTimeline names events "第 N 个事件（id）" and fields "events[N-1].key"; name them by the
  // label the user knows instead, and point at the pending event at fault.
  Error err = tl.error();
  const std::string& field = err.field;
  if (field.starts_with("events[")) {
    const auto close = field.find(']');
    std::size_t index = std::stoul(field.substr(7, close - 7));
    std::string key = close + 2 <= field.size() ? field.substr(close + 2) : std::string();
    if (index >= stored && index - stored < pending.size()) {
      if (bad_pending) *bad_pending = static_cast<int>(index - stored);
      err.field = key.empty() ? "event" : key;
    }
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string id = events[i].contains("id") && events[i]["id"].is_string() ? events[i]["id"].get<std::string>() : "";
    const std::string label = i < stored ? (i < base.labels.size() ? base.labels[i] : id) : pending[i - stored].label;
    ReplaceAll(err.message, fmt::format("第 {} 个事件（{}）", i + 1, id), label);
  }
  if (err.reason.empty()) err.reason = "invalid_event";
  return std::unexpected(err);
}

}  // namespace detail

namespace {

// SAX handler for a stored attribute object: hands each top-level scalar to `apply(key, value)`.
// Stops (and sets `nested`) at the first object or array value; stops on a parse error or on text
// that is not an object.
template <typename Apply>
class AttrReader final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit AttrReader(Apply& apply) : apply_(apply) {}
  bool nested = false;

  bool null() override { return Scalar(nullptr); }
  bool boolean(bool v) override { return Scalar(v); }
  bool number_integer(number_integer_t v) override { return Scalar(v); }
  bool number_unsigned(number_unsigned_t v) override { return Scalar(v); }
  bool number_float(number_float_t v, const string_t&) override { return Scalar(v); }
  bool string(string_t& v) override { return Scalar(std::move(v)); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    if (depth_++ == 0) return true;
    nested = true;
    return false;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    nested = depth_ > 0;
    return false;
  }
  bool end_array() override { return false; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  template <typename V>
  bool Scalar(V&& v) {
    if (depth_ != 1) return false;  // a bare scalar, not an object
    apply_(key_, nlohmann::json(std::forward<V>(v)));
    return true;
  }
  Apply& apply_;
  int depth_ = 0;
  std::string key_;
};

}  // namespace

Result<supervision::CaseTimeline> BuildTimeline(const StoredTimeline& rows, const supervision::Catalog* catalog) {
  using supervision::Attr;
  supervision::CaseTimeline tl;
  tl.case_id = std::to_string(rows.case_id);
  tl.case_type = rows.case_type == "administrative" ? supervision::CaseType::kAdministrative
                                                    : supervision::CaseType::kCriminal;
  tl.serious = rows.serious;
  tl.fast_track = rows.fast_track;
  static const int kOther = supervision::VocabIndex(supervision::PersonRoles(), "other");
  auto find_person = [&](const std::string& ref) -> int {
    for (std::size_t i = 0; i < tl.persons.size(); ++i)
      if (tl.persons[i].id == ref) return static_cast<int>(i);
    return -1;
  };
  tl.persons.reserve(rows.persons.size());
  for (const auto& r : rows.persons) {
    if (r.ref.empty() || find_person(r.ref) >= 0) continue;
    supervision::Person p;
    p.id = r.ref;
    if (r.name.size() <= 64) p.name = r.name;
    const int role = supervision::VocabIndex(supervision::PersonRoles(), r.role);
    p.role = static_cast<std::int8_t>(role >= 0 ? role : kOther);
    if (r.age && *r.age >= 0 && *r.age <= 150) p.age = static_cast<std::int16_t>(*r.age);
    p.female = r.female;
    p.pregnant = r.pregnant;
    p.nursing_infant = r.nursing_infant;
    p.identity_unknown = r.identity_unknown;
    tl.persons.push_back(std::move(p));
  }
  tl.events.reserve(rows.events.size());
  for (const auto& r : rows.events) {
    const auto type = supervision::EventTypeFromId(r.type);
    auto fail = [&](std::string_view key, const std::string& what) {
      return Invalid(fmt::format("事件 #{}（{}）{}", r.id, type ? supervision::EventTypeName(*type) : r.type, what),
                     std::string(key), "invalid_event");
    };
    if (!type) return fail("type", fmt::format("的事件类型“{}”不认识", r.type));
    supervision::Event e;
    e.id = std::to_string(r.id);
    e.type = *type;
    e.time = r.at;
    e.input_index = static_cast<std::int32_t>(tl.events.size());
    if (!r.person_ref.empty()) {
      int p = find_person(r.person_ref);
      if (p < 0) {
        supervision::Person other;
        other.id = r.person_ref;
        other.role = static_cast<std::int8_t>(kOther);
        tl.persons.push_back(std::move(other));
        p = static_cast<int>(tl.persons.size() - 1);
      }
      e.person = p;
    }
    if (!r.item_code.empty()) e.item = supervision::ItemIndex(tl, r.item_code);
    if (!r.attrs.empty() && r.attrs != "{}") {
      std::optional<std::pair<std::string, std::string>> bad;  // key, error text
      auto apply = [&](const std::string& key, const nlohmann::json& value) {
        if (bad || value.is_null()) return;
        const auto attr = supervision::AttrFromId(key);
        if (!attr || *attr == Attr::kPerson || *attr == Attr::kItem || !supervision::Admits(*type, *attr)) return;
        if (auto what = supervision::SetAttribute(e, tl, *attr, value, catalog, /*stored=*/true)) bad.emplace(key, *what);
      };
      // Stored attributes are a flat object of scalars: read them with the SAX interface, without
      // building a DOM (this runs once per event in a full re-evaluation). Anything else is parsed
      // whole; text that is not a JSON object is ignored, as it always was.
      AttrReader reader(apply);
      const bool flat = nlohmann::json::sax_parse(r.attrs, &reader) && !reader.nested;
      if (!flat && reader.nested) {
        const auto attrs = nlohmann::json::parse(r.attrs, nullptr, false);
        if (attrs.is_object())
          for (auto it = attrs.begin(); it != attrs.end(); ++it) apply(it.key(), it.value());
      }
      if (bad) return fail(bad->first, bad->second);
    }
    if (auto what = supervision::CheckEventSpans(e)) return fail(what->first, what->second);
    tl.events.push_back(std::move(e));
  }
  if (auto ok = supervision::FinishTimeline(tl); !ok) return std::unexpected(ok.error());
  return tl;
}

namespace {

constexpr std::size_t kBatch = 2000;

StoredTimeline* FindCase(std::vector<StoredTimeline>& cases, std::int64_t id, std::size_t& hint) {
  // Rows arrive ordered by case_id, so the search mostly moves forward from the last hit.
  while (hint < cases.size() && cases[hint].case_id < id) ++hint;
  if (hint < cases.size() && cases[hint].case_id == id) return &cases[hint];
  if (hint < cases.size() && cases[hint].case_id > id) {
    auto it = std::lower_bound(cases.begin(), cases.end(), id,
                               [](const StoredTimeline& c, std::int64_t v) { return c.case_id < v; });
    if (it != cases.end() && it->case_id == id) {
      hint = static_cast<std::size_t>(it - cases.begin());
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace

void LoadStoredRows(soci::session& sql, std::vector<StoredTimeline>& cases) {
  if (cases.empty()) return;
  long long first = cases.front().case_id, last = cases.back().case_id;
  {
    std::vector<long long> case_id(kBatch), age(kBatch), female(kBatch), pregnant(kBatch), nursing(kBatch),
        unknown(kBatch);
    std::vector<soci::indicator> age_ind(kBatch);
    std::vector<std::string> ref(kBatch), name(kBatch), role(kBatch);
    soci::statement st =
        (sql.prepare << "SELECT case_id, ref, name, role, age, female, pregnant, nursing_infant, identity_unknown "
                        "FROM case_persons WHERE case_id >= :f AND case_id <= :l ORDER BY case_id, id",
         soci::into(case_id), soci::into(ref), soci::into(name), soci::into(role), soci::into(age, age_ind),
         soci::into(female), soci::into(pregnant), soci::into(nursing), soci::into(unknown), soci::use(first, "f"),
         soci::use(last, "l"));
    st.execute();
    std::size_t hint = 0;
    while (st.fetch()) {
      for (std::size_t i = 0; i < case_id.size(); ++i) {
        StoredTimeline* c = FindCase(cases, case_id[i], hint);
        if (!c) continue;
        StoredPerson p;
        p.ref = std::move(ref[i]);
        p.name = std::move(name[i]);
        p.role = std::move(role[i]);
        if (age_ind[i] == soci::i_ok) p.age = age[i];
        p.female = female[i] != 0;
        p.pregnant = pregnant[i] != 0;
        p.nursing_infant = nursing[i] != 0;
        p.identity_unknown = unknown[i] != 0;
        c->persons.push_back(std::move(p));
      }
      for (auto* v : {&case_id, &age, &female, &pregnant, &nursing, &unknown}) v->resize(kBatch);
      age_ind.resize(kBatch);
      for (auto* v : {&ref, &name, &role}) v->resize(kBatch);
    }
  }
  {
    std::vector<long long> case_id(kBatch), id(kBatch), at(kBatch);
    std::vector<std::string> type(kBatch), person(kBatch), item(kBatch), attrs(kBatch);
    std::vector<soci::indicator> person_ind(kBatch), item_ind(kBatch);
    soci::statement st =
        (sql.prepare << "SELECT case_id, id, type, at, person_ref, item_code, attrs FROM case_events "
                        "WHERE case_id >= :f AND case_id <= :l ORDER BY case_id, at, id",
         soci::into(case_id), soci::into(id), soci::into(type), soci::into(at), soci::into(person, person_ind),
         soci::into(item, item_ind), soci::into(attrs), soci::use(first, "f"), soci::use(last, "l"));
    st.execute();
    std::size_t hint = 0;
    while (st.fetch()) {
      for (std::size_t i = 0; i < case_id.size(); ++i) {
        StoredTimeline* c = FindCase(cases, case_id[i], hint);
        if (!c) continue;
        StoredEvent e;
        e.id = id[i];
        e.type = std::move(type[i]);
        e.at = at[i];
        if (person_ind[i] == soci::i_ok) e.person_ref = std::move(person[i]);
        if (item_ind[i] == soci::i_ok) e.item_code = std::move(item[i]);
        e.attrs = std::move(attrs[i]);
        c->events.push_back(std::move(e));
      }
      for (auto* v : {&case_id, &id, &at}) v->resize(kBatch);
      for (auto* v : {&person_ind, &item_ind}) v->resize(kBatch);
      for (auto* v : {&type, &person, &item, &attrs}) v->resize(kBatch);
    }
  }
}

Result<supervision::CaseTimeline> LoadTimeline(soci::session& sql, std::int64_t case_id,
                                               const supervision::Catalog* catalog) {
  std::vector<StoredTimeline> one(1);
  bool found = false;
  {
    long long id = case_id, serious = 0, fast = 0;
    std::string type;
    sql << "SELECT case_type, serious, fast_track FROM cases WHERE id = :id", soci::use(id), soci::into(type),
        soci::into(serious), soci::into(fast);
    found = sql.got_data();
    one[0].case_id = case_id;
    one[0].case_type = type;
    one[0].serious = serious != 0;
    one[0].fast_track = fast != 0;
  }
  if (!found) return NotFound("案件不存在");
  LoadStoredRows(sql, one);
  return BuildTimeline(one[0], catalog);
}

}  // namespace fazhi::cases
