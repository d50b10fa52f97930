#include "fetch/applied.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/file.h"

namespace meridian {

namespace {
std::string Ledger(const std::string& dir) { return dir + "/applied.txt"; }
}  // namespace

bool IsApplied(const std::string& dir, const std::string& name) {
  std::string text;
  if (!ReadFile(Ledger(dir), &text).ok()) return false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (text.compare(pos, nl - pos, name) == 0 && nl - pos == name.size()) return true;
    pos = nl + 1;
  }
  return false;
}

Status MarkApplied(const std::string& dir, const std::string& name) {
  const std::string path = Ledger(dir);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(path + ": " + std::strerror(errno));
  const std::string line = name + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::OK() : Status::IoError(path + ": write failed");
}

}  // namespace meridian
