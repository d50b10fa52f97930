#include "query/places.h"

#include <algorithm>
#include <set>

#include "geo/states.h"
#include "text/fuzzy.h"
#include "text/normalize.h"
#include "util/ascii.h"

namespace meridian {

namespace {

// A USPS code for a state written as a code ("wi") or a name ("Wisconsin"), or "".
std::string StateCodeOf(std::string_view text) {
  std::string words;
  AppendNormalizedTokens(text, &words);
  if (words.empty()) return "";
  const StateTable& states = StateTable::Embedded();
  if (words.size() == 2 && states.Id(AsciiUpper(words)) != 0) return AsciiUpper(words);
  for (size_t id = 1; id <= states.codes().size(); ++id) {
    std::string name;
    AppendNormalizedTokens(states.Name(static_cast<uint8_t>(id)), &name);
    if (!name.empty() && name == words) return std::string(states.Code(static_cast<uint8_t>(id)));
  }
  return "";
}

// The snapshot place's name as a gazetteer key ("saint paul" -> "st paul");
// `buf` holds it when it differs from the name. The key is never longer than
// the name and starts with the same letter. Runs for every place of a
// search by city, so the common case (no word to shorten) is one pass.
std::string_view KeyOf(const Place& p, std::string* buf) {
  const std::string_view c = p.city;
  bool shorten = false;
  for (size_t i = 0; i < c.size() && !shorten; ++i) {
    const std::string_view rest = c.substr(i);
    shorten = (c[i] == 's' && rest.starts_with("saint")) ||
              (c[i] == 'f' && rest.starts_with("fort")) ||
              (c[i] == 'm' && rest.starts_with("mount"));
  }
  if (!shorten) return c;  // already a key: normalized words hold no punctuation or capitals
  *buf = Gazetteer::Key(c);
  return *buf;
}

}  // namespace

std::string PlaceLabel(const Snapshot& snap, const Place& p) {
  std::string_view st = snap.states().Code(p.state);
  return CityDisplay(p.city) + (st.empty() ? "" : ", " + std::string(st));
}

Result<ResolvedPlace> ResolvePlace(const Snapshot& snap, std::string_view city,
                                   std::string_view state, const Gazetteer& gazetteer) {
  auto refuse = [](std::string message, std::string param = "city") {
    return Status::InvalidArgument(std::move(message)).WithParam(std::move(param));
  };
  std::string st(state);
  auto take_state = [&](const std::string& code) -> Status {
    if (!st.empty() && st != code)
      return refuse("the city names state " + code + " but state is " + st);
    st = code;
    return Status::OK();
  };
  // "Madison, WI" or "Madison, Wisconsin": a state after the last comma.
  if (size_t comma = city.rfind(','); comma != std::string_view::npos) {
    if (std::string code = StateCodeOf(city.substr(comma + 1)); !code.empty()) {
      MERIDIAN_RETURN_IF_ERROR(take_state(code));
      city = city.substr(0, comma);
    }
  }
  std::string words;
  AppendNormalizedTokens(city, &words);
  // "madison wi": a last word that is a state code, after at least one word.
  if (size_t sp = words.rfind(' '); sp != std::string::npos && words.size() - sp == 3) {
    if (std::string code = StateCodeOf(std::string_view(words).substr(sp + 1)); !code.empty()) {
      MERIDIAN_RETURN_IF_ERROR(take_state(code));
      words.resize(sp);
    }
  }
  const std::string key = Gazetteer::Key(words);
  if (!key.empty() && key.find_first_not_of("0123456789 ") == std::string::npos) {
    return refuse("\"" + std::string(city) + "\" looks like a ZIP code: search near it instead",
                  "city")
        .WithSuggestions({"near=" + key.substr(0, 5)});
  }
  if (key.empty()) {
    return refuse("expected a city name such as \"Madison\" or \"Madison, WI\"");
  }
  if (!st.empty() && StateTable::Embedded().Id(st) == 0) {
    return refuse("unknown state code \"" + st + "\"", "state");
  }
  const uint8_t state_id = st.empty() ? 0 : snap.states().Id(st);

  // 1. Where listed providers practise.
  std::vector<const Place*> exact;
  std::string buf;
  for (const Place& p : snap.places()) {
    if (p.geocoded == 0 || (!st.empty() && p.state != state_id)) continue;
    if (p.city.size() >= key.size() && p.city[0] == key[0] && KeyOf(p, &buf) == key)
      exact.push_back(&p);
  }
  std::sort(exact.begin(), exact.end(), [](const Place* a, const Place* b) {
    return a->rows != b->rows ? a->rows > b->rows : a < b;
  });
  // 2. Every town with a ZIP code.
  std::vector<const GazetteerPlace*> towns = gazetteer.Find(key, st);
  if (exact.size() == 1 && (towns.size() <= 1 || !st.empty())) {
    return ResolvedPlace{exact[0]->lat, exact[0]->lon, PlaceLabel(snap, *exact[0]), true};
  }
  if (exact.empty() && towns.size() == 1) {
    const GazetteerPlace& t = *towns[0];
    return ResolvedPlace{t.lat, t.lon, t.name + ", " + t.state, false};
  }
  std::vector<std::string> suggestions;
  std::set<std::string> seen;
  auto suggest = [&](std::string label) {
    if (suggestions.size() < 10 && seen.insert(label).second)
      suggestions.push_back(std::move(label));
  };
  const std::string shown = CityDisplay(words);
  if (!exact.empty() || towns.size() > 1) {
    // One name, several states: listed places first, then the largest towns.
    for (const Place* p : exact) suggest(PlaceLabel(snap, *p));
    for (const GazetteerPlace* t : towns) suggest(t->name + ", " + t->state);
    return refuse("\"" + shown + "\" is in " + std::to_string(seen.size()) +
                  " states; add the state, e.g. \"" + suggestions[0] + "\"")
        .WithSuggestions(std::move(suggestions));
  }
  // 3. No such name: the nearest spellings, listed places first (every
  // place and town is rated, so each must cost next to nothing).
  const TermRater rater(key);
  std::vector<const Place*> near;
  for (const Place& p : snap.places()) {
    if (p.geocoded == 0 || (!st.empty() && p.state != state_id)) continue;
    if (p.city.empty() || !rater.MayMatch(p.city[0], p.city.size())) continue;
    if (rater.Rate(KeyOf(p, &buf), true) >= 0) near.push_back(&p);
  }
  std::sort(near.begin(), near.end(),
            [](const Place* a, const Place* b) { return a->rows > b->rows; });
  for (const Place* p : near) suggest(PlaceLabel(snap, *p));
  std::vector<const GazetteerPlace*> near_towns;
  for (const GazetteerPlace& t : gazetteer.places()) {
    if (!st.empty() && t.state != st) continue;
    if (rater.Rate(t.key, false) >= 0) near_towns.push_back(&t);
  }
  std::sort(near_towns.begin(), near_towns.end(),
            [](const GazetteerPlace* a, const GazetteerPlace* b) { return a->zips > b->zips; });
  for (const GazetteerPlace* t : near_towns) suggest(t->name + ", " + t->state);
  const std::string where = st.empty() ? "" : " in " + st;
  return refuse("we do not know a town called \"" + shown + "\"" + where +
                (suggestions.empty() ? "" : "; did you mean one of these?"))
      .WithSuggestions(std::move(suggestions));
}

}  // namespace meridian
