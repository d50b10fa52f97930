// HTTP(S) downloads for `meridian download` and `refresh` (libcurl).
// Large files land in "<dest>.part" and are renamed into place only when
// whole; an interrupted download resumes from the .part file's size with an
// HTTP Range request (a server that ignores Range starts it again).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "util/status.h"

namespace meridian {

struct DownloadOptions {
  std::function<void(uint64_t done, uint64_t total)> progress;  // total 0 when unknown
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;  // abort when under 1 byte/s for this long
};

// GETs a small document (the listing page). Unavailable when the server
// cannot be reached or answers an error status; InvalidArgument past max_bytes.
Result<std::string> FetchText(const std::string& url, size_t max_bytes = 16u << 20);

// Downloads `url` to `dest` (see above). Returns the bytes fetched this call
// in *fetched (0 when dest already held the whole file... never: callers
// check for dest first). Unavailable on network and HTTP errors; the .part
// file stays for the next try.
Status DownloadFile(const std::string& url, const std::string& dest, const DownloadOptions& options,
                    uint64_t* fetched);

// POSTs an empty body to `url` with "Authorization: Bearer <token>" (a
// running server's /admin/reload). Unavailable unless it answers 2xx; the
// message carries the answer's body.
Status PostWithBearer(const std::string& url, const std::string& token);

}  // namespace meridian
