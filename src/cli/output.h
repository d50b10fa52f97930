// How a subcommand ends: a message on stderr and an exit code, or a line on stdout.
#pragma once

#include <cstdio>
#include <string>

#include "util/status.h"

namespace meridian::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 1;
inline constexpr int kExitUsage = 2;

inline int Fail(const Status& s) {
  std::fprintf(stderr, "meridian: %s\n", s.ToString().c_str());
  return kExitFatal;
}

inline int Usage(const std::string& msg) {
  std::fprintf(stderr, "meridian: %s\n", msg.c_str());
  return kExitUsage;
}

// Input the command refused: "<prefix><param>: <message> (one of: a; b)".
inline int Refused(const Status& s, const std::string& param_prefix = "") {
  std::string msg = s.param().empty() ? s.message() : param_prefix + s.param() + ": " + s.message();
  if (!s.suggestions().empty()) {
    msg += " (one of: ";
    for (size_t k = 0; k < s.suggestions().size(); ++k) msg += (k ? "; " : "") + s.suggestions()[k];
    msg += ")";
  }
  return Usage(msg);
}

inline void Print(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::putchar('\n');
}

}  // namespace meridian::cli
