#ifndef MERIDIAN_UTIL_BATCH_READ_H_
#define MERIDIAN_UTIL_BATCH_READ_H_

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "util/status.h"

namespace meridian {

// One positioned read: bytes [offset, offset + n) of a file into *out.
struct ReadRequest {
  size_t offset = 0;
  size_t n = 0;
  std::string* out = nullptr;  // resized to n
};

// Reads bytes [offset, offset + n) of file `fd` into out with pread,
// resuming after interruptions and partial reads. A file that ends first is
// an IoError naming the offset.
Status PreadAll(int fd, size_t offset, size_t n, char* out);

// Reads many small pieces of one file with as few system calls as it can:
// through an io_uring (one submission for up to kDepth reads, answered from
// the page cache inline) where the kernel offers one, else one pread each.
// On a virtual machine every system call traps to the hypervisor, so a page
// of ten search results read as one batch costs one trap instead of ten.
//
// Not thread-safe: one BatchReader per thread (its ring is single-issuer).
class BatchReader {
 public:
  enum class Mode { kAuto, kPreadOnly };
  explicit BatchReader(Mode mode = Mode::kAuto);
  ~BatchReader();
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  // Fills every request's *out from file `fd`. A short read (the file
  // shrank) is an IoError naming the offset; on any error the contents of
  // the outputs are unspecified. REQUIRES: every out != nullptr.
  Status Read(int fd, std::span<const ReadRequest> requests);

  // True when reads go through an io_uring.
  bool uses_ring() const { return ring_ != nullptr; }

  static constexpr unsigned kDepth = 32;

 private:
  // Reads through the ring into *status (a read's error). False when the
  // ring itself failed; then nothing is known of the outputs.
  bool ReadByRing(int fd, std::span<const ReadRequest> requests, Status* status);

  struct Ring;
  std::unique_ptr<Ring> ring_;  // null: pread only
};

}  // namespace meridian

#endif  // MERIDIAN_UTIL_BATCH_READ_H_
