// Where the first sentence of patient text ends, for the short descriptions
// taken from longer ones ("Doctors of osteopathic medicine (D.O.s) are
// physicians. ..." must not become "Doctors of osteopathic medicine (D.").
#pragma once

#include <string_view>

namespace meridian {

// The first sentence of `text`, with its closing mark, trimmed. A sentence ends
// at '.', '!' or '?' followed by the end of the text or by spaces (and any
// closing quotes or brackets) then an upper-case letter or digit. A dot is not
// an end when it closes a dotted abbreviation ("D.O.", "L.Ac.", "e.g.", "U.S."),
// a single letter (an initial), or one of a few titles ("Dr.", "St.", "Mr.",
// "Mrs.", "Ms.", "vs.", "No."). Text with no sentence end is returned whole.
std::string_view FirstSentence(std::string_view text);

}  // namespace meridian
