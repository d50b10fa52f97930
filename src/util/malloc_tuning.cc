#include "util/malloc_tuning.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace meridian {

void ReexecWithTunedMalloc(char** argv) {
  const char* had = std::getenv("GLIBC_TUNABLES");
  std::string tunables = had != nullptr ? had : "";
  if (tunables.find("glibc.malloc.") != std::string::npos) return;  // already set: no loop
  if (!tunables.empty()) tunables += ':';
  tunables +=
      "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:"
      "glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=67108864";
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // exec failed: carry on untuned, with the environment as it was for children.
  if (had != nullptr)
    ::setenv("GLIBC_TUNABLES", had, 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
}

}  // namespace meridian
