#include "model/fields.h"

#include <ctime>

namespace meridian {

int NpiCheckDigit(std::string_view first9) {
  // Luhn over "80840" + first9, doubling every second digit from the right of
  // the payload (the check digit position is to the right of it). The prefix
  // contributes a constant 24 (CMS's published shortcut).
  int sum = 24;
  for (int i = 0; i < 9; ++i) {
    int d = first9[8 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - sum % 10) % 10;
}

bool IsValidNpi(std::string_view npi) {
  if (npi.size() != 10 || (npi[0] != '1' && npi[0] != '2')) return false;
  for (char c : npi)
    if (c < '0' || c > '9') return false;
  return NpiCheckDigit(npi.substr(0, 9)) == npi[9] - '0';
}

bool ParseNpi(std::string_view text, uint32_t* out) {
  if (text.size() != 10) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

const char* NpiProblem(std::string_view npi) {
  if (npi.size() != 10 || npi.find_first_not_of("0123456789") != std::string_view::npos)
    return "NPI is not 10 digits";
  if (npi[0] != '1' && npi[0] != '2') return "NPI does not start with 1 or 2";
  if (!IsValidNpi(npi)) return "NPI fails the check digit (Luhn with prefix 80840)";
  return "";
}

namespace {

bool ParseUint(std::string_view s, int* out) {
  if (s.empty() || s.size() > 4) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool ParseNppesDate(std::string_view text, PackedDate* out) {
  *out = 0;
  if (text.empty()) return true;
  size_t a = text.find('/');
  if (a == std::string_view::npos) return false;
  size_t b = text.find('/', a + 1);
  if (b == std::string_view::npos) return false;
  int m, d, y;
  std::string_view ms = text.substr(0, a), ds = text.substr(a + 1, b - a - 1),
                   ys = text.substr(b + 1);
  if (ms.size() > 2 || ds.size() > 2 || ys.size() != 4) return false;
  if (!ParseUint(ms, &m) || !ParseUint(ds, &d) || !ParseUint(ys, &y)) return false;
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dim = kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
  if (d > dim) return false;
  *out = static_cast<PackedDate>(y * 10000 + m * 100 + d);
  return true;
}

std::string FormatIsoDate(PackedDate d) {
  if (d == 0) return "";
  char buf[16];
  unsigned y = d / 10000, m = d / 100 % 100, day = d % 100;
  buf[0] = static_cast<char>('0' + y / 1000);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + day / 10);
  buf[9] = static_cast<char>('0' + day % 10);
  return std::string(buf, 10);
}

namespace {
std::string FormatUnix(int64_t unix_seconds, const char* format) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
}  // namespace

std::string FormatUnixDate(int64_t unix_seconds) { return FormatUnix(unix_seconds, "%Y-%m-%d"); }
std::string FormatUnixInstant(int64_t unix_seconds) {
  return FormatUnix(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

std::string FormatPostalCode(std::string_view zip) {
  if (zip.size() == 9 && zip.find_first_not_of("0123456789") == std::string_view::npos)
    return std::string(zip.substr(0, 5)) + "-" + std::string(zip.substr(5));
  return std::string(zip);
}

}  // namespace meridian
