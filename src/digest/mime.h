// Email messages as RFC 5322 / MIME text: multipart/alternative with a
// plain-text and an HTML part (both UTF-8, quoted-printable), headers
// encoded (RFC 2047) and folded at 78 columns, CRLF line ends.
//
// Deterministic: the same message renders to the same bytes (the boundary
// comes from the Message-ID), so a message sent again after a crash is the
// same message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::digest {

struct MailMessage {
  std::string from_name, from_address;  // "Meridian", "digest@example.org"
  std::string to_address;
  std::string subject;     // UTF-8
  int64_t date_unix = 0;   // the Date header
  std::string message_id;  // without the angle brackets: "digest.2026-W49.ab12@example.org"
  std::string list_id;     // "<digest.example.org>" form without the brackets; "" = none
  // https link for List-Unsubscribe; with it, List-Unsubscribe-Post
  // (RFC 8058 one-click) is set too. "" = none.
  std::string unsubscribe_url;
  std::string text, html;  // the two parts, UTF-8
};

// The whole message, headers and body.
std::string RenderMime(const MailMessage& m);

// "Mon, 07 Dec 2026 08:00:00 +0000".
std::string RfcDate(int64_t unix_seconds);
// A header value as RFC 2047 encoded words ("=?UTF-8?Q?...?=") when it has
// bytes outside printable ASCII, else as is; folded so no line passes 78
// columns, never splitting a UTF-8 character or an encoded word.
// `name_length`: the header name and ": " before it on the first line.
std::string EncodeHeader(std::string_view value, size_t name_length);
// Quoted-printable (RFC 2045): lines of at most 76 characters, CRLF ends.
std::string QuotedPrintable(std::string_view text);

}  // namespace meridian::digest
