// The words a person agrees to when subscribing, kept with a version: the
// consent record stores the version and the SHA-256 of exactly these words.
// Change the words only together with the version.
#pragma once

namespace meridian::digest {

inline constexpr const char* kConsentVersion = "2026-12-02";
inline constexpr const char* kConsentWording =
    "Send me Meridian's weekly digest by email. It has new articles and, if I give a place, "
    "the practitioners who are new near it. I can change this or stop at any time with the "
    "link in each email. Meridian keeps my email address, my choices and when I agreed. It "
    "does not keep my IP address.";

}  // namespace meridian::digest
