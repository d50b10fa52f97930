// Gazetteer: every US city and town that has a ZIP code, with the name
// people write on an envelope and a point, so a place search works for a
// town where the directory lists nobody ("no providers within 25 miles of
// Hayward, WI") and a misspelled name gets the nearest spellings.
//
// Built from data/places_us.csv (ZIP, USPS city name, state, point; see
// data/README.md). A place is one (name, state) pair; its point is the mean
// of its ZIPs' points. Names are matched by Key(), which folds case and
// punctuation and writes "Saint", "Fort" and "Mount" as "st", "ft", "mt", so
// "St. Paul", "saint paul" and "ST PAUL" are one place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/status.h"

namespace meridian {

struct GazetteerPlace {
  std::string name;   // "Saint Paul", as USPS writes it
  std::string state;  // USPS code, "MN"
  std::string key;    // Key(name): "st paul"
  float lat = 0, lon = 0;
  uint32_t zips = 0;  // how many ZIP codes it has: a rough size, for ranking
};

class Gazetteer {
 public:
  // Parses "zip,city,state,latitude,longitude" CSV with a header line.
  // InvalidArgument names the first bad line.
  static Result<Gazetteer> Parse(std::string_view csv);
  // The table compiled into the binary.
  static const Gazetteer& Embedded();

  // ASCII words, lower case, punctuation as spaces, saint/fort/mount as
  // st/ft/mt. Bytes >= 0x80 are kept (callers fold accents first).
  static std::string Key(std::string_view name);

  const std::vector<GazetteerPlace>& places() const { return places_; }
  // Places whose key is `key`, in `state` when it is not "", largest first.
  std::vector<const GazetteerPlace*> Find(std::string_view key, std::string_view state) const;
  // The place a 5-digit ZIP belongs to, or null.
  const GazetteerPlace* FindZip(std::string_view zip5) const;

 private:
  std::vector<GazetteerPlace> places_;
  std::unordered_multimap<std::string, uint32_t> by_key_;
  std::unordered_map<uint32_t, uint32_t> by_zip_;  // ZIP as a number -> place index
};

}  // namespace meridian
