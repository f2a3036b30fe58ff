#include "cases/timeline_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "supervision/events.h"

namespace fazhi::cases {

namespace detail {

nlohmann::json EmptyTimelineDoc(const std::string& case_id, const std::string& case_type, bool serious, bool fast_track,
                                bool many_people) {
  return {{"case_id", case_id},
          {"case_type", case_type},
          {"serious", serious},
          {"fast_track", fast_track},
          {"many_people", many_people},
          {"persons", nlohmann::json::array()},
          {"events", nlohmann::json::array()}};
}

TimelineDoc TimelineDocOf(const StoredTimeline& rows) {
  TimelineDoc out;
  out.doc =
      EmptyTimelineDoc(std::to_string(rows.case_id), rows.case_type, rows.serious, rows.fast_track, rows.many_people);
  auto& persons = out.doc["persons"];
  for (const auto& p : rows.persons) {
    nlohmann::json j = {{"id", p.ref}, {"role", p.role}};
    if (!p.name.empty()) j["name"] = p.name;
    if (p.age) j["age"] = *p.age;
    if (p.female) j["female"] = true;
    if (p.pregnant) j["pregnant"] = true;
    if (p.nursing_infant) j["nursing_infant"] = true;
    if (p.identity_unknown) j["identity_unknown"] = true;
    persons.push_back(std::move(j));
  }
  auto& events = out.doc["events"];
  out.labels.reserve(rows.events.size());
  for (const auto& e : rows.events) {
    nlohmann::json j = nlohmann::json::parse(e.attrs, nullptr, false);
    if (!j.is_object()) j = nlohmann::json::object();
    j["id"] = std::to_string(e.id);
    j["type"] = e.type;
    j["time"] = FormatLocalIso(e.at);
    if (!e.person_ref.empty()) j["person"] = e.person_ref;
    if (!e.item_code.empty()) j["item"] = e.item_code;
    events.push_back(std::move(j));
    const auto t = supervision::EventTypeFromId(e.type);
    out.labels.push_back(
        fmt::format("已登记的事件 #{}（{}）", e.id, t ? std::string(supervision::EventTypeName(*t)) : e.type));
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
    const std::string id =
        events[i].contains("id") && events[i]["id"].is_string() ? events[i]["id"].get<std::string>() : "";
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
  tl.case_type =
      rows.case_type == "administrative" ? supervision::CaseType::kAdministrative : supervision::CaseType::kCriminal;
  tl.serious = rows.serious;
  tl.fast_track = rows.fast_track;
  tl.many_people = rows.many_people;
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
        if (auto what = supervision::SetAttribute(e, tl, *attr, value, catalog, /*stored=*/true))
          bad.emplace(key, *what);
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

namespace {

// Column positions of the two bulk queries, resolved by name at the first row.
struct PersonColumns {
  explicit PersonColumns(const db::Row& r)
      : case_id(r.Column("case_id")),
        ref(r.Column("ref")),
        name(r.Column("name")),
        role(r.Column("role")),
        age(r.Column("age")),
        female(r.Column("female")),
        pregnant(r.Column("pregnant")),
        nursing(r.Column("nursing_infant")),
        unknown(r.Column("identity_unknown")) {}
  int case_id, ref, name, role, age, female, pregnant, nursing, unknown;
};

struct EventColumns {
  explicit EventColumns(const db::Row& r)
      : case_id(r.Column("case_id")),
        id(r.Column("id")),
        type(r.Column("type")),
        at(r.Column("at")),
        person(r.Column("person_ref")),
        item(r.Column("item_code")),
        attrs(r.Column("attrs")) {}
  int case_id, id, type, at, person, item, attrs;
};

}  // namespace

void LoadStoredRows(soci::session& sql, std::vector<StoredTimeline>& cases) {
  if (cases.empty()) return;
  const std::int64_t first = cases.front().case_id, last = cases.back().case_id;
  {
    db::SqlArgs a;
    std::optional<PersonColumns> col;
    std::size_t hint = 0;
    db::Each(sql,
             fmt::format("SELECT case_id, ref, name, role, age, female, pregnant, nursing_infant, identity_unknown "
                         "FROM case_persons WHERE case_id >= {} AND case_id <= {} ORDER BY case_id, id",
                         a.Int(first), a.Int(last)),
             a, [&](const db::Row& r) {
               if (!col) col.emplace(r);
               StoredTimeline* c = FindCase(cases, r.IntAt(col->case_id), hint);
               if (!c) return;
               StoredPerson p;
               p.ref = r.TextAt(col->ref);
               p.name = r.TextAt(col->name);
               p.role = r.TextAt(col->role);
               if (!r.NullAt(col->age)) p.age = r.IntAt(col->age);
               p.female = r.IntAt(col->female) != 0;
               p.pregnant = r.IntAt(col->pregnant) != 0;
               p.nursing_infant = r.IntAt(col->nursing) != 0;
               p.identity_unknown = r.IntAt(col->unknown) != 0;
               c->persons.push_back(std::move(p));
             });
  }
  db::SqlArgs a;
  std::optional<EventColumns> col;
  std::size_t hint = 0;
  db::Each(sql,
           fmt::format("SELECT case_id, id, type, at, person_ref, item_code, attrs FROM case_events "
                       "WHERE case_id >= {} AND case_id <= {} ORDER BY case_id, at, id",
                       a.Int(first), a.Int(last)),
           a, [&](const db::Row& r) {
             if (!col) col.emplace(r);
             StoredTimeline* c = FindCase(cases, r.IntAt(col->case_id), hint);
             if (!c) return;
             StoredEvent e;
             e.id = r.IntAt(col->id);
             e.type = r.TextAt(col->type);
             e.at = r.IntAt(col->at);
             e.person_ref = r.TextAt(col->person);  // NULL reads as ""
             e.item_code = r.TextAt(col->item);
             e.attrs = r.TextAt(col->attrs);
             c->events.push_back(std::move(e));
           });
}

Result<StoredTimeline> LoadStoredTimeline(soci::session& sql, std::int64_t case_id) {
  std::vector<StoredTimeline> one(1);
  StoredTimeline& head = one.front();
  db::SqlArgs a;
  const bool found = db::First(
      sql, fmt::format("SELECT case_type, serious, fast_track, many_people FROM cases WHERE id = {}", a.Int(case_id)),
      a, [&](const db::Row& r) {
        head.case_id = case_id;
        FZ_READ(r, head, case_type, serious, fast_track, many_people);
      });
  if (!found) return NotFound("案件不存在");
  LoadStoredRows(sql, one);
  return std::move(head);
}

Result<supervision::CaseTimeline> LoadTimeline(soci::session& sql, std::int64_t case_id,
                                               const supervision::Catalog* catalog) {
  const StoredTimeline rows = FZ_TRY(LoadStoredTimeline(sql, case_id));
  return BuildTimeline(rows, catalog);
}

}  // namespace fazhi::cases
