#include "util/batch_read.h"

#include <liburing.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace meridian {

Status PreadAll(int fd, size_t offset, size_t n, char* out) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Status::IoError(std::string("pread: ") + std::strerror(errno));
    if (got == 0)
      return Status::IoError("the file ends before offset " + std::to_string(offset + n));
    done += static_cast<size_t>(got);
  }
  return Status::OK();
}

struct BatchReader::Ring {
  io_uring ring;
};

BatchReader::BatchReader(Mode mode) {
  if (mode == Mode::kPreadOnly) return;
  auto r = std::make_unique<Ring>();
  // Single issuer with deferred task work: completions are run only when
  // this thread waits for them, with no interrupt of other work. Older
  // kernels refuse the flags; then a plain ring; then none (pread).
  if (io_uring_queue_init(kDepth, &r->ring,
                          IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN) == 0 ||
      io_uring_queue_init(kDepth, &r->ring, 0) == 0)
    ring_ = std::move(r);
}

BatchReader::~BatchReader() {
  if (ring_ != nullptr) io_uring_queue_exit(&ring_->ring);
}

Status BatchReader::Read(int fd, std::span<const ReadRequest> requests) {
  for (const ReadRequest& r : requests) r.out->resize(r.n);
  if (ring_ != nullptr && requests.size() > 1) {
    Status failed_read;
    if (ReadByRing(fd, requests, &failed_read)) return failed_read;
    // The ring itself failed (not a read): drop it and read by pread.
    io_uring_queue_exit(&ring_->ring);
    ring_.reset();
  }
  for (const ReadRequest& r : requests)
    MERIDIAN_RETURN_IF_ERROR(PreadAll(fd, r.offset, r.n, r.out->data()));
  return Status::OK();
}

bool BatchReader::ReadByRing(int fd, std::span<const ReadRequest> requests, Status* status) {
  io_uring* ring = &ring_->ring;
  for (size_t first = 0; first < requests.size(); first += kDepth) {
    const size_t count = std::min<size_t>(kDepth, requests.size() - first);
    for (size_t k = 0; k < count; ++k) {
      const ReadRequest& r = requests[first + k];
      io_uring_sqe* sqe = io_uring_get_sqe(ring);  // never null: the ring is empty here
      io_uring_prep_read(sqe, fd, r.out->data(), static_cast<unsigned>(r.n), r.offset);
      io_uring_sqe_set_data64(sqe, first + k);
    }
    // Submit all and wait for all in one call; every read is reaped before
    // the next batch, so the ring is empty again between batches.
    size_t submitted = 0;
    while (submitted < count) {
      const int s = io_uring_submit_and_wait(ring, static_cast<unsigned>(count - submitted));
      if (s == -EINTR) continue;
      if (s <= 0) return false;  // queued reads may remain: the caller drops the ring
      submitted += static_cast<size_t>(s);
    }
    for (size_t reaped = 0; reaped < count;) {
      io_uring_cqe* cqe = nullptr;
      const int w = io_uring_wait_cqe(ring, &cqe);
      if (w == -EINTR) continue;
      if (w < 0) return false;
      const ReadRequest& r = requests[io_uring_cqe_get_data64(cqe)];
      const int res = cqe->res;
      io_uring_cqe_seen(ring, cqe);
      ++reaped;
      if (!status->ok()) continue;
      if (res < 0 && res != -EINTR && res != -EAGAIN) {
        *status = Status::IoError(std::string("read: ") + std::strerror(-res));
      } else if (static_cast<size_t>(std::max(res, 0)) < r.n) {
        const size_t got = static_cast<size_t>(std::max(res, 0));  // short: finish it
        *status = PreadAll(fd, r.offset + got, r.n - got, r.out->data() + got);
      }
    }
    if (!status->ok()) return true;
  }
  return true;
}

}  // namespace meridian
