#include "util/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace meridian {

namespace {

constexpr size_t kWriteBufferBytes = 4u << 20;

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

AtomicFile::AtomicFile(std::string path, std::string tmp, int fd)
    : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create " + tmp);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, tmp, fd));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

Status AtomicFile::WriteAll(std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write " + tmp_);
    }
    done += static_cast<size_t>(n);
  }
  written_ += bytes.size();
  // Start writing back what is written so far, without waiting for it
  // (Linux): Commit's fsync then waits for the tail only, not for the
  // whole file (a 330 MB snapshot: 0.3 s of fsync).
  if (written_ - writeback_from_ >= kWritebackBytes) {
    ::sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                      static_cast<off_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
  }
  return Status::OK();
}

Status AtomicFile::Flush() {
  MERIDIAN_RETURN_IF_ERROR(WriteAll(buffer_));
  buffer_.clear();
  return Status::OK();
}

Status AtomicFile::Append(std::string_view bytes) {
  size_ += bytes.size();
  if (buffer_.size() + bytes.size() > kWriteBufferBytes) {
    MERIDIAN_RETURN_IF_ERROR(Flush());
    if (bytes.size() > kWriteBufferBytes) return WriteAll(bytes);  // no copy through the buffer
  }
  buffer_.append(bytes);
  return Status::OK();
}

Status AtomicFile::WriteAt(uint64_t offset, std::string_view bytes) {
  MERIDIAN_RETURN_IF_ERROR(Flush());
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("pwrite " + tmp_);
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status AtomicFile::Commit() {
  MERIDIAN_RETURN_IF_ERROR(Flush());
  if (::fsync(fd_) != 0) return Errno("fsync " + tmp_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    return Errno("close " + tmp_);
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) return Errno("rename to " + path_);
  committed_ = true;
  int dir = ::open(DirName(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // make the rename durable; failure here leaves a valid file
    ::close(dir);
  }
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  auto f = AtomicFile::Create(path);
  if (!f.ok()) return f.status();
  MERIDIAN_RETURN_IF_ERROR((*f)->Append(contents));
  return (*f)->Commit();
}

Result<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Errno(path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ": not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* data = nullptr;
  if (size > 0) {
    data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      ::close(fd);
      return Errno("mmap " + path);
    }
  }
  return std::unique_ptr<MappedFile>(new MappedFile(data, size, fd));
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
  ::close(fd_);
}

Status MappedFile::ReadAt(size_t offset, size_t n, std::string* out) const {
  if (offset > size_ || n > size_ - offset) return Status::Internal("read past the end of a file");
  out->resize(n);
  return PreadAll(fd_, offset, n, out->data());
}

Status MappedFile::ReadManyAt(std::span<const ReadRequest> requests, BatchReader* reader) const {
  for (const ReadRequest& r : requests)
    if (r.offset > size_ || r.n > size_ - r.offset)
      return Status::Internal("read past the end of a file");
  return reader->Read(fd_, requests);
}

void MappedFile::ReleaseResident() const {
  if (size_ > 0) ::madvise(data_, size_, MADV_DONTNEED);  // read-only private map: no data lost
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status ReadFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(path);
  out->clear();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Errno(path);
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::OK();
}

}  // namespace meridian
