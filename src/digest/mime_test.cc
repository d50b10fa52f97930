#include "digest/mime.h"

#include <gtest/gtest.h>

#include <sstream>

#include "testing/mail_util.h"

namespace meridian::digest {
namespace {

using testing::DecodeQuotedPrintable;

std::string DecodeEncodedWords(const std::string& header) {
  std::string out;
  size_t i = 0;
  while (i < header.size()) {
    const size_t start = header.find("=?UTF-8?Q?", i);
    if (start == std::string::npos) {
      out += header.substr(i);
      break;
    }
    std::string between = header.substr(i, start - i);
    // White space between two encoded words is dropped (RFC 2047 6.2).
    if (between.find_first_not_of(" \r\n") != std::string::npos) out += between;
    const size_t end = header.find("?=", start + 10);
    const std::string q = header.substr(start + 10, end - start - 10);
    for (size_t k = 0; k < q.size(); ++k) {
      if (q[k] == '_') {
        out += ' ';
      } else if (q[k] == '=') {
        out += static_cast<char>(std::stoi(q.substr(k + 1, 2), nullptr, 16));
        k += 2;
      } else {
        out += q[k];
      }
    }
    i = end + 2;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t e = s.find("\r\n", i);
    if (e == std::string::npos) e = s.size();
    out.push_back(s.substr(i, e - i));
    i = e + 2;
  }
  return out;
}

TEST(QuotedPrintable, RoundTripsAndKeepsLinesShort) {
  const std::string texts[] = {
      "plain text\nsecond line\n",
      "über café — naïve ☃ " + std::string(300, 'x') + "\n",
      "trailing space \nand tab\t\n= signs = here\n.leading dot\n",
      std::string(1000, '='),
      "a very long line with words " + std::string(200, 'w') +
          " and a url "
          "https://example.org/digest/manage?t=manage.1.2.0.abcdefghijklmnopqrstuvwxyz0123456789\n",
  };
  for (const std::string& t : texts) {
    const std::string qp = QuotedPrintable(t);
    for (const std::string& line : Lines(qp)) {
      EXPECT_LE(line.size(), 76u) << line;
      EXPECT_TRUE(line.empty() || (line.back() != ' ' && line.back() != '\t')) << line;
      for (unsigned char c : line) EXPECT_TRUE(c >= 32 && c < 127) << line;
    }
    for (size_t i = 0; i < qp.size(); ++i)
      if (qp[i] == '\n') EXPECT_TRUE(i > 0 && qp[i - 1] == '\r') << "bare LF at " << i;
    EXPECT_EQ(DecodeQuotedPrintable(qp), t);
  }
}

TEST(EncodeHeader, EncodedWordsHoldWholeCharactersAndFold) {
  const std::string subject = "Nuevos acupunturistas cerca de Peñasco — 3 más ☃ " +
                              std::string("ñ") + std::string(60, 'a') + "é";
  const std::string h = EncodeHeader(subject, 9);
  for (const std::string& line : Lines(h)) {
    EXPECT_LE(line.size() + 9, 78u + 9) << line;
    EXPECT_LE(line.size(), 76u) << line;
  }
  EXPECT_EQ(DecodeEncodedWords(h), subject);
  // Each encoded word decodes to valid UTF-8 on its own (no split character).
  size_t i = 0;
  while ((i = h.find("=?UTF-8?Q?", i)) != std::string::npos) {
    const size_t end = h.find("?=", i + 10);
    const std::string word = DecodeEncodedWords(h.substr(i, end + 2 - i));
    int pending = 0;
    for (unsigned char c : word) {
      if (pending > 0) {
        EXPECT_EQ(c & 0xC0, 0x80);
        --pending;
      } else if (c >= 0xF0) {
        pending = 3;
      } else if (c >= 0xE0) {
        pending = 2;
      } else if (c >= 0xC0) {
        pending = 1;
      }
    }
    EXPECT_EQ(pending, 0) << "a character split across encoded words";
    i = end;
  }
  // Plain ASCII stays readable, folded at spaces.
  const std::string ascii = EncodeHeader(std::string("Meridian weekly digest ") +
                                             "with a long subject line that goes past the "
                                             "seventy-eight column limit of RFC 5322",
                                         9);
  EXPECT_EQ(ascii.find("=?"), std::string::npos);
  for (const std::string& line : Lines(ascii)) EXPECT_LE(line.size(), 78u);
  EXPECT_NE(ascii.find("\r\n "), std::string::npos);
}

TEST(RenderMime, HeadersPartsAndDeterminism) {
  MailMessage m;
  m.from_name = "Meridian";
  m.from_address = "digest@example.org";
  m.to_address = "ann@example.org";
  m.subject = "Your digest — week 49";
  m.date_unix = 1796342400;  // 2026-12-04 00:00 UTC, a Friday
  m.message_id = "digest.2026-W49.abc@example.org";
  m.list_id = "weekly-digest.example.org";
  m.unsubscribe_url = "https://example.org/digest/unsubscribe?t=x";
  m.text = "Hello\n";
  m.html = "<p>Hello</p>\n";
  const std::string a = RenderMime(m), b = RenderMime(m);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("Date: Fri, 04 Dec 2026 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(a.find("Message-ID: <digest.2026-W49.abc@example.org>\r\n"), std::string::npos);
  EXPECT_NE(a.find("List-Id: <weekly-digest.example.org>\r\n"), std::string::npos);
  EXPECT_NE(a.find("List-Unsubscribe: <https://example.org/digest/unsubscribe?t=x>\r\n"),
            std::string::npos);
  EXPECT_NE(a.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
  EXPECT_NE(a.find("Subject: =?UTF-8?Q?"), std::string::npos);
  EXPECT_NE(a.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(a.find("Content-Type: text/html; charset=UTF-8"), std::string::npos);
  // Every line ends CRLF and is within 998 characters.
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] == '\n') ASSERT_TRUE(i > 0 && a[i - 1] == '\r') << "bare LF at " << i;
  for (const std::string& line : Lines(a)) EXPECT_LE(line.size(), 998u);
  // A message without an unsubscribe link (a confirmation) has no List-Unsubscribe.
  m.unsubscribe_url.clear();
  EXPECT_EQ(RenderMime(m).find("List-Unsubscribe"), std::string::npos);
}

}  // namespace
}  // namespace meridian::digest
