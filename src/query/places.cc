#include "query/places.h"

#include <algorithm>

#include "text/fuzzy.h"
#include "text/normalize.h"

namespace meridian {

std::string PlaceLabel(const Snapshot& snap, const Place& p) {
  std::string_view st = snap.states().Code(p.state);
  return CityDisplay(p.city) + (st.empty() ? "" : ", " + std::string(st));
}

Result<const Place*> ResolvePlace(const Snapshot& snap, std::string_view city,
                                  std::string_view state) {
  auto refuse = [](std::string message, std::string param = "city") {
    return Status::InvalidArgument(std::move(message)).WithParam(std::move(param));
  };
  std::string st(state);
  // "Madison, WI": a trailing state code after the last comma.
  if (size_t comma = city.rfind(','); comma != std::string_view::npos) {
    std::string tail;
    AppendNormalizedTokens(city.substr(comma + 1), &tail);
    for (char& c : tail) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (tail.size() == 2 && snap.states().Id(tail) != 0) {
      if (!st.empty() && st != tail) {
        return refuse("the city names state " + tail + " but state is " + st);
      }
      st = tail;
      city = city.substr(0, comma);
    }
  }
  std::string key;
  AppendNormalizedTokens(city, &key);
  if (key.empty()) {
    return refuse("expected a city name such as \"Madison\" or \"Madison, WI\"");
  }
  const uint8_t state_id = st.empty() ? 0 : snap.states().Id(st);
  if (!st.empty() && state_id == 0) {
    return refuse("unknown state code \"" + st + "\"", "state");
  }
  std::vector<const Place*> exact, near;
  for (const Place& p : snap.places()) {
    if (p.geocoded == 0 || (state_id != 0 && p.state != state_id)) continue;
    if (p.city == key)
      exact.push_back(&p);
    else if (MatchQuality(key, p.city, true) >= 0)
      near.push_back(&p);
  }
  auto by_size = [](const Place* a, const Place* b) {
    return a->rows != b->rows ? a->rows > b->rows : a < b;
  };
  if (exact.size() == 1) return exact[0];
  std::vector<const Place*>& list = exact.empty() ? near : exact;
  std::sort(list.begin(), list.end(), by_size);
  std::vector<std::string> suggestions;
  for (size_t k = 0; k < list.size() && k < 10; ++k)
    suggestions.push_back(PlaceLabel(snap, *list[k]));
  const std::string where = st.empty() ? "" : " in " + st;
  std::string message = !exact.empty()
                            ? "\"" + CityDisplay(key) + "\" is in " + std::to_string(exact.size()) +
                                  " states; add the state, e.g. \"" + suggestions[0] + "\""
                            : "no practice city \"" + CityDisplay(key) + "\"" + where +
                                  " in this directory" +
                                  (near.empty() ? "" : "; did you mean one of these?");
  return refuse(std::move(message)).WithSuggestions(std::move(suggestions));
}

}  // namespace meridian
