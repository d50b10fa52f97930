// Text normalization for search: one function used at index time (ingest)
// and at query time, so both sides always agree.
//
// A token is a maximal run of letters and digits after: Unicode
// compatibility decomposition (NFKD), removal of combining marks (accents),
// full case folding, and a few letters without a decomposition mapped to
// ASCII (ø→o, æ→ae, ł→l, đ→d, ß→ss via folding). Apostrophes join
// ("O'Brien" → "obrien"); every other character separates ("Smith-Jones" →
// "smith", "jones"). Pure-ASCII input (nearly all NPPES text) takes a fast
// path that never calls ICU and gives the same answer ICU would.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace meridian {

// Appends the tokens of `text` to *out, each preceded by a space when *out is
// not empty. Invalid UTF-8 bytes separate tokens.
void AppendNormalizedTokens(std::string_view text, std::string* out);

// The tokens of `text`, in order (duplicates kept).
std::vector<std::string> NormalizeTokens(std::string_view text);

// Splits a space-separated token string (as built above) into views.
std::vector<std::string_view> SplitTokens(std::string_view tokens);

// Number of Unicode code points in UTF-8 `s` (continuation bytes not counted).
size_t CodePoints(std::string_view s);

}  // namespace meridian
