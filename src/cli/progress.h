// A one-line progress bar on stderr (bytes, rows/s, ETA), shown only when
// stderr is a terminal; silent otherwise so logs and pipes stay clean.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace meridian {

class ProgressBar {
 public:
  ProgressBar() : enabled_(::isatty(2) == 1), start_(std::chrono::steady_clock::now()) {}
  bool enabled() const { return enabled_; }

  void Update(uint64_t done, uint64_t total, uint64_t rows) {
    if (!enabled_) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 0;
    double eta = frac > 0 ? secs / frac - secs : 0;
    int filled = static_cast<int>(frac * 30);
    char bar[31];
    for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
    bar[30] = 0;
    std::fprintf(stderr, "\r[%s] %6.1f / %6.1f MB  %8.0f rows/s  ETA %4.0fs ", bar,
                 static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6,
                 secs > 0 ? static_cast<double>(rows) / secs : 0.0, eta);
    std::fflush(stderr);
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\n");
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace meridian
