// Reading messages in tests, written from the RFCs and independent of
// src/digest/mime.cc: quoted-printable decoding, a header's value, the
// plain-text part, and links in it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "testing/test_util.h"

namespace meridian::testing {

inline std::string DecodeQuotedPrintable(const std::string& qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp.compare(i, 3, "=\r\n") == 0) {
      i += 2;  // a soft line break
    } else if (qp[i] == '=' && i + 2 < qp.size()) {
      out += static_cast<char>(std::stoi(qp.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (qp[i] != '\r') {
      out += qp[i];
    }
  }
  return out;
}

// The unfolded value of header `name` in the message's header block, or "".
inline std::string MailHeader(const std::string& msg, const std::string& name) {
  const std::string head = msg.substr(0, msg.find("\r\n\r\n"));
  size_t at = 0;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string::npos) end = head.size();
    if (head.compare(at, name.size() + 1, name + ":") == 0) {
      std::string v = head.substr(at + name.size() + 1, end - at - name.size() - 1);
      while (end + 2 < head.size() && (head[end + 2] == ' ' || head[end + 2] == '\t')) {
        const size_t next = head.find("\r\n", end + 2);
        v += head.substr(end + 2, (next == std::string::npos ? head.size() : next) - end - 2);
        end = next == std::string::npos ? head.size() : next;
      }
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      return v;
    }
    at = end + 2;
  }
  return "";
}

// The decoded text/plain part of a multipart message.
inline std::string MailText(const std::string& msg) {
  const size_t ct = msg.find("Content-Type: text/plain");
  if (ct == std::string::npos) return "";
  const size_t body = msg.find("\r\n\r\n", ct) + 4;
  const size_t end = msg.find("\r\n--", body);
  return DecodeQuotedPrintable(msg.substr(body, end - body));
}

// Every "http..." link in `text` (up to white space).
inline std::vector<std::string> Links(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = text.find("http", at)) != std::string::npos) {
    size_t end = text.find_first_of(" \n\r\t)", at);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

// The .eml files in `dir`, oldest first (names start with the time and a
// sequence number).
inline std::vector<std::string> MailFiles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".eml") names.push_back(e.path().string());
  std::sort(names.begin(), names.end());
  std::vector<std::string> out;
  for (const std::string& n : names) out.push_back(ReadAll(n));
  return out;
}

}  // namespace meridian::testing
