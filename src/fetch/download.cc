#include "fetch/download.h"

#include <curl/curl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

namespace meridian {

namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

CurlPtr NewCurl(const std::string& url, const DownloadOptions& o) {
  CurlPtr c(curl_easy_init());
  if (!c) return c;
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c.get(), CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, o.connect_timeout_s);
  curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_TIME, o.stall_timeout_s);
  curl_easy_setopt(c.get(), CURLOPT_USERAGENT, "meridian (NPPES refresh)");
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  return c;
}

Status CurlError(const std::string& url, CURLcode rc, const char* detail) {
  return Status::Unavailable(url + ": " + (detail[0] ? detail : curl_easy_strerror(rc)));
}

}  // namespace

Result<std::string> FetchText(const std::string& url, size_t max_bytes) {
  DownloadOptions o;
  CurlPtr c = NewCurl(url, o);
  if (!c) return Status::Internal("curl_easy_init failed");
  struct Sink {
    std::string body;
    size_t max;
    bool over = false;
  } sink{"", max_bytes};
  auto write = +[](char* p, size_t size, size_t n, void* u) -> size_t {
    auto* s = static_cast<Sink*>(u);
    if (s->body.size() + size * n > s->max) {
      s->over = true;
      return 0;
    }
    s->body.append(p, size * n);
    return size * n;
  };
  char err[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 120L);
  CURLcode rc = curl_easy_perform(c.get());
  if (sink.over)
    return Status::InvalidArgument(url + ": larger than " + std::to_string(max_bytes) + " bytes");
  if (rc != CURLE_OK) return CurlError(url, rc, err);
  long code = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) return Status::Unavailable(url + ": HTTP " + std::to_string(code));
  return std::move(sink.body);
}

Status PostWithBearer(const std::string& url, const std::string& token) {
  DownloadOptions o;
  CurlPtr c = NewCurl(url, o);
  if (!c) return Status::Internal("curl_easy_init failed");
  std::string body;
  auto write = +[](char* p, size_t size, size_t n, void* u) -> size_t {
    auto* b = static_cast<std::string*>(u);
    if (b->size() < 4096) b->append(p, size * n);
    return size * n;
  };
  const std::string auth = "Authorization: Bearer " + token;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  char err[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 120L);
  CURLcode rc = curl_easy_perform(c.get());
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return CurlError(url, rc, err);
  long code = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code > 299)
    return Status::Unavailable(url + ": HTTP " + std::to_string(code) + " " + body);
  return Status::OK();
}

Status DownloadFile(const std::string& url, const std::string& dest, const DownloadOptions& options,
                    uint64_t* fetched) {
  *fetched = 0;
  const std::string part = dest + ".part";
  for (int attempt = 0; attempt < 2; ++attempt) {
    struct stat st;
    const uint64_t have = ::stat(part.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    std::FILE* f = std::fopen(part.c_str(), have > 0 ? "r+b" : "wb");
    if (f == nullptr) return Status::IoError(part + ": cannot open for writing");
    std::fseek(f, 0, SEEK_END);
    CurlPtr c = NewCurl(url, options);
    if (!c) {
      std::fclose(f);
      return Status::Internal("curl_easy_init failed");
    }
    struct Sink {
      std::FILE* f;
      bool decided = false, restart = false, failed = false;
      long code = 0;
      CURL* curl;
      uint64_t written = 0;
    } sink{f, false, false, false, 0, c.get(), 0};
    auto write = +[](char* p, size_t size, size_t n, void* u) -> size_t {
      auto* s = static_cast<Sink*>(u);
      if (!s->decided) {  // first body bytes: did the server honour the Range?
        s->decided = true;
        curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->code);
        if (s->code == 200) {  // whole file again: start the .part over
          if (std::fflush(s->f) != 0 || ::ftruncate(fileno(s->f), 0) != 0 ||
              std::fseek(s->f, 0, SEEK_SET) != 0) {
            s->failed = true;
            return 0;
          }
          s->restart = true;
        }
      }
      if (std::fwrite(p, size, n, s->f) != n) {
        s->failed = true;
        return 0;
      }
      s->written += size * n;
      return size * n;
    };
    struct Progress {
      const DownloadOptions* o;
      uint64_t base;
    } prog{&options, have};
    auto on_progress = +[](void* u, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
      auto* p = static_cast<Progress*>(u);
      if (p->o->progress)
        p->o->progress(p->base + static_cast<uint64_t>(now),
                       total > 0 ? p->base + static_cast<uint64_t>(total) : 0);
      return 0;
    };
    char err[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c.get(), CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c.get(), CURLOPT_XFERINFODATA, &prog);
    if (have > 0)
      curl_easy_setopt(c.get(), CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(have));
    CURLcode rc = curl_easy_perform(c.get());
    long code = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &code);
    const bool flushed = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
    std::fclose(f);
    *fetched += sink.written;
    if (sink.failed || !flushed) return Status::IoError(part + ": write failed (disk full?)");
    if (have > 0 && (code == 416 || rc == CURLE_RANGE_ERROR)) {
      // The .part is not a prefix the server can continue: start over once.
      std::remove(part.c_str());
      continue;
    }
    if (rc != CURLE_OK) return CurlError(url, rc, err);
    if (code != 200 && code != 206)
      return Status::Unavailable(url + ": HTTP " + std::to_string(code));
    if (std::rename(part.c_str(), dest.c_str()) != 0)
      return Status::IoError(dest + ": cannot rename the finished download into place");
    return Status::OK();
  }
  return Status::Unavailable(url + ": the server refused to resume or restart the download");
}

}  // namespace meridian
