// Display case: turns NPPES registry text, which is ALL CAPS ("SANDRA",
// "MCDONALD", "5413 OAK AVE"), into the case a patient expects to read
// ("Sandra", "McDonald", "5413 Oak Ave"). Display only: the API keeps the
// registry's own text separately, and search never sees these strings.
//
// Guarantees shared by every function here:
//   - pure and deterministic; the result has exactly the input's length and
//     differs from it only in the case of ASCII letters (one allocation);
//   - input holding any ASCII lower-case letter is already cased by someone
//     and is returned unchanged ("McDonald", "deSouza");
//   - whitespace is copied as is (runs of spaces are kept);
//   - a word (a run of non-whitespace bytes) holding any non-ASCII byte is
//     copied unchanged, since we cannot case its letters correctly without
//     Unicode tables ("JOSÉ" stays "JOSÉ", never "JosÉ"). The typographic
//     apostrophe U+2019 is the one exception: it acts like ' below.
//
// Within a word, each run of ASCII letters and digits (a "part") is cased on
// its own, so the punctuation between parts splits them: "SMITH-JONES" ->
// "Smith-Jones", "ST. PAUL" -> "St. Paul". After an apostrophe, the part is
// capitalised when the part before is a single letter ("O'BRIEN" ->
// "O'Brien", "D'ANGELO" -> "D'Angelo") and lower-cased otherwise
// ("CHILDREN'S" -> "Children's"). A part starting with MC gets "Mc" plus a
// capital ("MCDONALD" -> "McDonald"); MAC does so only for a short list of
// Scottish surnames (MACDONALD, MACKENZIE, ...), never for MACK, MACHADO,
// MACON, MACY, MACIAS, whose default "Mack", "Machado" is right.
#pragma once

#include <string>
#include <string_view>

#include "model/record.h"

namespace meridian {

// A person's name part (first, middle, last, suffix) or a full name.
// Every part is capitalised, particles included ("DE LA CRUZ" -> "De La
// Cruz": lower-casing "de" or "van" is right for some families and wrong for
// others). Suffixes: "JR" -> "Jr", "SR" -> "Sr"; II, III and IV stay upper.
std::string DisplayNameCase(std::string_view registry);

// Credential text ("PT, DPT", "D.O.", "L.AC.", "MD") is made of
// abbreviations whose registry spelling is the only one we can defend, so it
// is returned unchanged. Exists so that callers state the field's kind.
std::string DisplayCredentialCase(std::string_view registry);

// A street line or a city ("5413 OAK AVE" -> "5413 Oak Ave", "WINSTON-SALEM"
// -> "Winston-Salem"). On top of the shared rules:
//   - ordinals lower their suffix ("5TH" -> "5th", "22ND" -> "22nd");
//   - any other part holding a digit is left as is ("4B", "B12", "12A");
//   - a word that is a compass direction (N S E W NE NW SE SW, punctuation
//     around it allowed) stays upper ("100 NW 5TH ST" -> "100 NW 5th St");
//   - PO and US stay upper ("PO BOX 12" -> "PO Box 12", "US HWY 1").
// REQUIRES: not a state code; callers keep those upper themselves.
std::string DisplayAddressCase(std::string_view registry);

// An organization name ("UNIVERSITY OF WISCONSIN HOSPITALS & CLINICS
// AUTHORITY" -> "University of Wisconsin Hospitals & Clinics Authority"). On
// top of the shared rules:
//   - the small words of, and, the, for, at, in, on, an, to, by are lower
//     unless they are the first word. "A" stays upper: in "JOHN A SMITH MD PC"
//     it is an initial, and the two cannot be told apart;
//   - known acronyms stay upper (LLC, PLLC, PC, PA, LLP, MD, DO, DC, PT, DPT,
//     LAC, USA, US, VA, YMCA, UW, NYU, UCLA, UCSF, HCA, II, III), as does any
//     part of at most four letters without a vowel (A E I O U Y): "CMH", "DDS".
//     Common abbreviations are exempt ("ST" -> "St", "DR", "MT", "LTD", "CTR");
//   - ordinals as for addresses ("1ST CHOICE" -> "1st Choice"); any other part
//     holding a digit is left as is. "INC" becomes "Inc".
std::string DisplayOrgCase(std::string_view registry);

// A record's name for reading: a person's prefix, first, middle, last name
// and suffix through DisplayNameCase ("SANDRA J SMITH" -> "Sandra J Smith"),
// an organization's through DisplayOrgCase. Record::RegistryName() is the
// registry's own text.
std::string ReadableName(const Record& r);

// The address lines and city for reading, through DisplayAddressCase
// (without copying the rest of the address).
struct ReadableLines {
  std::string line1, line2, city;
};
ReadableLines ReadableAddressLines(const Address& a);

// `a` with line1, line2 and city as ReadableAddressLines gives them; state,
// postal code and phone unchanged.
Address ReadableAddress(Address a);

}  // namespace meridian
