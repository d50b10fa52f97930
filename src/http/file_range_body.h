// FileRangeBody: a Boost.Beast body that sends `length` bytes of an open
// file from `offset`, read with pread in 64 KiB pieces: a snapshot of
// gigabytes goes out without being read into memory, and a Range request
// starts where it asks. The body owns the descriptor and closes it.
//
// Thread safety: one response, one writer, as Beast uses it.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <utility>

namespace meridian {

struct FileRangeBody {
  struct value_type {
    int fd = -1;
    uint64_t offset = 0, length = 0;
    value_type() = default;
    value_type(const value_type&) = delete;
    value_type& operator=(const value_type&) = delete;
    value_type(value_type&& o) noexcept
        : fd(std::exchange(o.fd, -1)), offset(o.offset), length(o.length) {}
    value_type& operator=(value_type&& o) noexcept {
      if (this != &o) {
        if (fd >= 0) ::close(fd);
        fd = std::exchange(o.fd, -1), offset = o.offset, length = o.length;
      }
      return *this;
    }
    ~value_type() {
      if (fd >= 0) ::close(fd);
    }
  };

  static uint64_t size(const value_type& v) { return v.length; }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(boost::beast::error_code& ec) {
      ec = {};
      at_ = body_.offset;
      left_ = body_.length;
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (left_ == 0) return boost::none;
      const size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof buf_, left_));
      const ssize_t n = ::pread(body_.fd, buf_, want, static_cast<off_t>(at_));
      if (n <= 0) {  // the file shrank or failed: end the connection, never pad
        ec = boost::beast::errc::make_error_code(boost::beast::errc::io_error);
        return boost::none;
      }
      at_ += static_cast<uint64_t>(n);
      left_ -= static_cast<uint64_t>(n);
      return {{const_buffers_type(buf_, static_cast<size_t>(n)), left_ > 0}};
    }

   private:
    value_type& body_;
    uint64_t at_ = 0, left_ = 0;
    char buf_[64 * 1024];
  };
};

}  // namespace meridian
