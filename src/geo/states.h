// StateTable: USPS state and territory codes <-> small integer ids.
//
// Id 0 means "none/unknown" (empty, foreign, or a code not in the Census list);
// ids 1..N follow the Census state file order (data/states.txt). The list is
// written into every snapshot so ids stay meaningful if the table changes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian {

class StateTable {
 public:
  // Parses "FIPS|USPS|Name|GNIS" lines.
  static StateTable Parse(std::string_view text);
  static const StateTable& Embedded();
  // Builds a table from USPS codes in id order (ids 1..codes.size()).
  static StateTable FromCodes(const std::vector<std::string>& codes);

  uint8_t Id(std::string_view usps) const;                          // 0 when unknown
  std::string_view Code(uint8_t id) const;                          // "" for 0 or out of range
  std::string_view Name(uint8_t id) const;                          // "" when unknown
  const std::vector<std::string>& codes() const { return codes_; }  // index id-1
  // True for the 50 states and DC (not territories or military codes).
  static bool IsStateOrDc(std::string_view usps);

 private:
  std::vector<std::string> codes_, names_;
  std::array<uint8_t, 26 * 26> lookup_{};  // two upper-case letters -> id
};

}  // namespace meridian
