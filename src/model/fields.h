// Field-level validation of NPPES values: NPI check digit and dates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace meridian {

// True when `npi` is exactly 10 ASCII digits, starts with 1 or 2 (CMS issues
// no others; this also makes every NPI fit in a uint32_t), and its last digit
// is the Luhn check digit computed over the prefix "80840" + the first 9
// digits (the ISO/IEC 7812 card-issuer prefix CMS uses for NPIs).
bool IsValidNpi(std::string_view npi);
// "1234567893" -> its packed form. False unless exactly 10 ASCII digits that
// fit in 32 bits; the check digit is IsValidNpi's business. The one NPI
// parser: ingest, side files, deactivations, the API and pages use it.
bool ParseNpi(std::string_view text, uint32_t* out);

// The check digit (0..9) for a 9-digit NPI body. REQUIRES: 9 ASCII digits.
int NpiCheckDigit(std::string_view first9);

// Why `npi` is not valid, in words for an error report ("" when it is valid).
const char* NpiProblem(std::string_view npi);

// A calendar date packed as YYYYMMDD (e.g. 20050523); 0 means "no date".
using PackedDate = uint32_t;

// Parses NPPES's MM/DD/YYYY (1- or 2-digit month/day accepted). Empty input
// gives 0. Returns false for anything that is not a real calendar date with
// a year in 1900..2100.
bool ParseNppesDate(std::string_view text, PackedDate* out);

// "2005-05-23"; "" for 0.
std::string FormatIsoDate(PackedDate d);
// Unix seconds -> "2026-12-01" (UTC).
std::string FormatUnixDate(int64_t unix_seconds);
// Unix seconds -> "2026-12-01T05:24:18Z" (UTC).
std::string FormatUnixInstant(int64_t unix_seconds);
// A 9-digit ZIP+4 as NPPES publishes it, "537031234" -> "53703-1234"; any
// other text as given.
std::string FormatPostalCode(std::string_view zip);

}  // namespace meridian
