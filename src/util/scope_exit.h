// ScopeExit: runs a function when the scope ends, however it ends (return,
// exception). For restoring per-thread scratch that later calls rely on,
// such as a bitmap that must be all zero between queries.
#pragma once

#include <utility>

namespace meridian {

template <class F>
class [[nodiscard]] ScopeExit {
 public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F f_;
};

}  // namespace meridian
