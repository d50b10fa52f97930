// Files: atomic replacement and read-only memory maps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "util/batch_read.h"
#include "util/status.h"

namespace meridian {

// Writes a file so that readers see either the old file or the complete new
// one, never a mix: bytes go to "<path>.tmp.<pid>" in the same directory;
// Commit() fsyncs it, renames it over `path` and fsyncs the directory. A kill
// at any moment leaves the previous file intact (and at worst a stray .tmp).
// Destroying an uncommitted AtomicFile deletes the temp file.
class AtomicFile {
 public:
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Append(std::string_view bytes);                    // buffered
  Status WriteAt(uint64_t offset, std::string_view bytes);  // REQUIRES: inside written range
  uint64_t size() const { return size_; }
  Status Commit();

 private:
  AtomicFile(std::string path, std::string tmp, int fd);
  Status Flush();
  Status WriteAll(std::string_view bytes);  // at the end of what is written
  static constexpr uint64_t kWritebackBytes = 8u << 20;
  std::string path_, tmp_;
  int fd_;
  uint64_t size_ = 0;
  uint64_t written_ = 0;         // bytes handed to write()
  uint64_t writeback_from_ = 0;  // start of the range not yet sent to writeback
  std::string buffer_;
  bool committed_ = false;
};

// Writes `contents` to `path` atomically (AtomicFile in one call).
Status WriteFileAtomically(const std::string& path, std::string_view contents);

// A read-only private mapping of a whole file.
class MappedFile {
 public:
  static Result<std::unique_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  // Tells the kernel the pages need not stay mapped in this process (they
  // stay in the page cache): after a full read such as a checksum pass, the
  // resident set shrinks back to what is actually used afterwards.
  void ReleaseResident() const;
  // Reads bytes [offset, offset + n) of the file into *out with pread, not
  // through the map: bytes read once in a while (cold records) then stay in
  // the page cache only, not in this process's resident set.
  // REQUIRES: offset + n <= bytes().size().
  Status ReadAt(size_t offset, size_t n, std::string* out) const;
  // The same for many pieces at once, through `reader` (one system call for
  // the batch where the kernel allows). REQUIRES: each piece lies inside
  // the file.
  Status ReadManyAt(std::span<const ReadRequest> requests, BatchReader* reader) const;

 private:
  MappedFile(void* data, size_t size, int fd) : data_(data), size_(size), fd_(fd) {}
  void* data_;
  size_t size_;
  int fd_;  // kept open for ReadAt
};

// "dir/npidata_pfile_2025.csv" -> "npidata_pfile_2025.csv".
std::string BaseName(const std::string& path);

// Reads a whole (small) file into *out.
Status ReadFile(const std::string& path, std::string* out);

}  // namespace meridian
