#include "util/malloc_tuning.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace meridian {

void ReexecWithBatchMalloc(char** argv) {
  const char* had = std::getenv("GLIBC_TUNABLES");
  std::string tunables = had != nullptr ? had : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;
  if (!tunables.empty()) tunables += ':';
  tunables += "glibc.malloc.hugetlb=1";
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc, say): carry on untuned, and leave the environment
  // as it was for any child process.
  if (had != nullptr)
    ::setenv("GLIBC_TUNABLES", had, 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
}

void TuneMallocForBatch() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed threshold
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
}

}  // namespace meridian
