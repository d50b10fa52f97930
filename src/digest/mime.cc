#include "digest/mime.h"

#include <ctime>

#include "digest/keys.h"

namespace meridian::digest {

namespace {

bool PlainAscii(std::string_view s) {
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

// Folds a plain ASCII header value at spaces so lines stay within 78
// columns where the words allow it.
std::string FoldAscii(std::string_view value, size_t name_length) {
  std::string out;
  size_t col = name_length;
  size_t i = 0;
  while (i < value.size()) {
    size_t sp = value.find(' ', i + 1);
    if (sp == std::string_view::npos) sp = value.size();
    std::string_view word = value.substr(i, sp - i);  // starts with the space, except the first
    if (col + word.size() > 78 && col > name_length && word.front() == ' ') {
      out += "\r\n";
      col = 0;
    }
    out += word;
    col += word.size();
    i = sp;
  }
  return out;
}

// Bytes in the UTF-8 character starting with lead byte `c`.
size_t CharLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xe) return 3;
  if ((c >> 3) == 0x1e) return 4;
  return 1;
}

std::string QEncodeChar(std::string_view ch) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : ch) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == ' ') {
      out += '_';
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '!' || c == '*' || c == '+' || c == '-' || c == '/') {
      out += c;
    } else {
      out += '=';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace

std::string RfcDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string EncodeHeader(std::string_view value, size_t name_length) {
  if (PlainAscii(value)) return FoldAscii(value, name_length);
  // Encoded words of whole characters, lines of at most 76 columns (RFC
  // 2047): the first after the header name, the rest on lines of their own.
  const std::string prefix = "=?UTF-8?Q?", suffix = "?=";
  const size_t overhead = prefix.size() + suffix.size();
  size_t limit = name_length + overhead < 60 ? 76 - name_length - overhead : 75 - overhead;
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += "\r\n ";
    out += prefix + word + suffix;
    word.clear();
    limit = 75 - overhead;
  };
  for (size_t i = 0; i < value.size();) {
    const size_t n = std::min(CharLength(static_cast<unsigned char>(value[i])), value.size() - i);
    const std::string enc = QEncodeChar(value.substr(i, n));
    if (word.size() + enc.size() > limit) flush();
    word += enc;
    i += n;
  }
  flush();
  return out;
}

std::string QuotedPrintable(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  size_t col = 0;
  auto put = [&](std::string_view piece) {
    if (col + piece.size() > 75) {  // a soft break leaves room for the '='
      out += "=\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '\r') continue;  // line ends are written as CRLF below
    if (c == '\n') {
      // Trailing white space before a line end must be encoded.
      if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        const char last = out.back();
        out.pop_back();
        --col;
        put(last == ' ' ? "=20" : "=09");
      }
      out += "\r\n";
      col = 0;
      continue;
    }
    if ((u >= 33 && u <= 126 && c != '=') || c == ' ' || c == '\t') {
      // A line starting with "." or "From " is safe in QP but some relays
      // mangle them: encode a leading dot.
      if (col == 0 && c == '.') {
        put("=2E");
      } else {
        put(std::string_view(&text[i], 1));
      }
    } else {
      const char enc[4] = {'=', kHex[u >> 4], kHex[u & 15], '\0'};
      put(enc);
    }
  }
  if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
    const char last = out.back();
    out.pop_back();
    --col;
    put(last == ' ' ? "=20" : "=09");
  }
  return out;
}

std::string RenderMime(const MailMessage& m) {
  const std::string boundary = "=_meridian_" + Sha256Hex(m.message_id).substr(0, 24);
  std::string out;
  auto header = [&](const std::string& name, std::string_view value) {
    out += name + ": " + EncodeHeader(value, name.size() + 2) + "\r\n";
  };
  header("Date", RfcDate(m.date_unix));
  // The display name as an encoded word (or a quoted string) and the address.
  const std::string from_name =
      PlainAscii(m.from_name) ? "\"" + m.from_name + "\"" : EncodeHeader(m.from_name, 6);
  out += "From: " + from_name + " <" + m.from_address + ">\r\n";
  out += "To: <" + m.to_address + ">\r\n";
  header("Subject", m.subject);
  out += "Message-ID: <" + m.message_id + ">\r\n";
  if (!m.list_id.empty()) out += "List-Id: <" + m.list_id + ">\r\n";
  if (!m.unsubscribe_url.empty()) {
    out += "List-Unsubscribe: <" + m.unsubscribe_url + ">\r\n";
    out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  out += "Auto-Submitted: auto-generated\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "This is a message in MIME format: a plain text part and an HTML part.\r\n";
  out += "\r\n--" + boundary + "\r\n";
  out +=
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n\r\n";
  out += QuotedPrintable(m.text) + "\r\n";
  out += "\r\n--" + boundary + "\r\n";
  out +=
      "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n\r\n";
  out += QuotedPrintable(m.html) + "\r\n";
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace meridian::digest
