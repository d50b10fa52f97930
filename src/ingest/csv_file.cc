#include "ingest/csv_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "ingest/zip_archive.h"

namespace meridian {

namespace {

// Where the bytes come from. Fill() gives a view of [from, from + len), or of
// [from, end) when the input ends sooner, and says whether the view reaches
// the end. Calls come with `from` never decreasing; a view stays valid until
// the next call.
class Input {
 public:
  virtual ~Input() = default;
  virtual Status Fill(size_t from, size_t len, std::string_view* view, bool* at_end) = 0;
  virtual uint64_t total() const = 0;  // for progress; may be an estimate for a stream
};

// A file, mapped read-only. Windows are views of the mapping, so nothing is
// copied; pages behind the reader are dropped with MADV_DONTNEED so resident
// memory stays near one window however large the file is, and the next
// window is requested ahead with MADV_WILLNEED.
// A file read with pread, a window at a time, the next window read ahead on
// a thread of its own while the current one is parsed. Cheaper than mapping
// the file: the copy runs at memcpy speed, while faulting in mapped pages
// stalled the parse threads (on VMs a fault costs microseconds); and the
// read-ahead takes the copy off the path (it was a third of each window's
// wall time).
//
// Two buffers, each `headroom` bytes in front of a window: a window's bytes
// from the last record start on (`carry`, usually less than a record) are
// copied in front of the next window's, so the next window is contiguous.
// When the carry does not fit (a mis-guessed split re-reads half a window),
// the read-ahead is dropped and the window read in place.
class FileInput : public Input {
 public:
  ~FileInput() override {
    if (ahead_.joinable()) ahead_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::IoError(path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Status::IoError(path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return Status::IoError(path + ": not a regular file");
    size_ = static_cast<size_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    return Status::OK();
  }
  Status Fill(size_t from, size_t len, std::string_view* view, bool* at_end) override {
    if (from < start_) return Status::Internal("FileInput: reading backwards");
    if (capacity_ == 0) {
      headroom_ = len / 4;
      capacity_ = headroom_ + len;
      for (auto& b : buf_) b.reset(new char[capacity_]);
    }
    const size_t held_end = start_ + used_;  // file offset just past the held bytes
    if (ahead_.joinable()) {
      ahead_.join();
      const size_t carry = held_end > from ? held_end - from : 0;
      if (ahead_status_.ok() && from <= held_end && carry <= headroom_) {
        char* dst = buf_[1 - cur_].get() + headroom_ - carry;
        if (carry > 0) std::memcpy(dst, data_ + (from - start_), carry);
        cur_ = 1 - cur_;
        data_ = dst;
        start_ = from;
        used_ = carry + ahead_got_;
      } else {
        Drop(from);
      }
    } else {
      Drop(from);
    }
    const size_t want = from < size_ ? std::min(len, size_ - from) : 0;
    while (used_ < want) {  // the first window, or after a dropped read-ahead
      MERIDIAN_RETURN_IF_ERROR(ReadInto(data_ + used_, want - used_, start_ + used_, &used_));
    }
    *view = std::string_view(data_, std::min(used_, want));
    *at_end = from + view->size() >= size_;
    // Read ahead so that the held bytes past this window plus the new ones
    // make one window from this window's end.
    const size_t next = start_ + used_;
    if (!*at_end && next < size_) {
      const size_t leftover = used_ - view->size();
      const size_t n = std::min(len > leftover ? len - leftover : 0, size_ - next);
      if (n > 0) {
        char* into = buf_[1 - cur_].get() + headroom_;
        ahead_got_ = 0;
        ahead_ = std::thread([this, into, n, next] {
          ahead_status_ = Status::OK();
          while (ahead_got_ < n && ahead_status_.ok())
            ahead_status_ =
                ReadInto(into + ahead_got_, n - ahead_got_, next + ahead_got_, &ahead_got_);
        });
      }
    }
    return Status::OK();
  }
  uint64_t total() const override { return size_; }

 private:
  // Keeps the held bytes from `from` on, moved to the front of the current
  // buffer (past the headroom).
  void Drop(size_t from) {
    char* front = buf_[cur_].get() + headroom_;
    const size_t skip = std::min(used_, from - start_);
    if (used_ > skip) std::memmove(front, data_ + skip, used_ - skip);
    used_ -= skip;
    data_ = front;
    start_ = from;
  }
  // One pread of up to n bytes at `offset`; adds what it got to *counter.
  Status ReadInto(char* to, size_t n, size_t offset, size_t* counter) const {
    for (;;) {
      const ssize_t got = ::pread(fd_, to, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return Status::IoError(path_ + ": " + std::strerror(errno));
      if (got == 0) return Status::IoError(path_ + ": the file shrank while it was read");
      *counter += static_cast<size_t>(got);
      return Status::OK();
    }
  }

  std::string path_;
  int fd_ = -1;
  size_t size_ = 0;
  std::unique_ptr<char[]> buf_[2];
  size_t capacity_ = 0, headroom_ = 0;
  int cur_ = 0;
  char* data_ = nullptr;  // the held bytes: file offsets [start_, start_ + used_)
  size_t start_ = 0, used_ = 0;
  std::thread ahead_;  // reading the next bytes into buf_[1 - cur_] + headroom_
  size_t ahead_got_ = 0;
  Status ahead_status_;
};

class MemoryInput : public Input {
 public:
  explicit MemoryInput(std::string_view text) : text_(text) {}
  Status Fill(size_t from, size_t len, std::string_view* view, bool* at_end) override {
    *view = from < text_.size() ? text_.substr(from, len) : std::string_view();
    *at_end = from + view->size() >= text_.size();
    return Status::OK();
  }
  uint64_t total() const override { return text_.size(); }

 private:
  std::string_view text_;
};

// A ZIP member, inflated ahead on the stream's own thread. The buffer holds
// the unread tail of the last window plus the next one: about one window.
class StreamInput : public Input {
 public:
  explicit StreamInput(std::unique_ptr<ZipStream> s) : stream_(std::move(s)) {}
  Status Fill(size_t from, size_t len, std::string_view* view, bool* at_end) override {
    if (from < start_) return Status::Internal("StreamInput: reading backwards");
    buf_.erase(0, std::min(buf_.size(), from - start_));
    start_ = from;
    while (buf_.size() < len && !ended_) {
      size_t before = buf_.size();
      MERIDIAN_RETURN_IF_ERROR(stream_->Read(len - buf_.size(), &buf_));
      if (buf_.size() == before) ended_ = true;
      seen_ += buf_.size() - before;
    }
    *view = std::string_view(buf_).substr(0, len);
    *at_end = ended_ && view->size() == buf_.size();
    return Status::OK();
  }
  uint64_t total() const override { return ended_ ? seen_ : std::max(seen_, stream_->size()); }

 private:
  std::unique_ptr<ZipStream> stream_;
  std::string buf_;
  size_t start_ = 0;  // input offset of buf_[0]
  uint64_t seen_ = 0;
  bool ended_ = false;
};

// Counts '\n' bytes in [p, end) eight at a time (exact SWAR zero-byte test).
uint64_t CountNewlines(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  uint64_t n = 0;
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t x = w ^ (kOnes * '\n');         // newline bytes become zero
    uint64_t t = ((x & kLow7) + kLow7) | x;  // bit 7 set iff the byte is non-zero
    // One bit per newline byte, moved to bit 0 of its byte, summed by a multiply
    // (no popcount instruction needed: the build targets baseline x86-64).
    n += (((~t & (kOnes << 7)) >> 7) * kOnes) >> 56;
    p += 8;
  }
  for (; p < end; ++p) n += *p == '\n';
  return n;
}

struct PartResult {
  size_t end = 0;          // window offset where this part stopped
  uint64_t end_line = 0;   // line number there
  bool need_more = false;  // stopped at an incomplete record at the window end
};

// Parses records starting at `begin` until the next record would start at or
// after `stop` (or the window ends).
PartResult ParsePart(std::string_view window, size_t begin, uint64_t line, size_t stop, bool at_eof,
                     bool skip_bom, CsvSink* sink) {
  CsvTokenizer tok(window.substr(begin), line, at_eof);
  if (skip_bom) tok.SkipBom();
  CsvRecord rec;
  PartResult r;
  while (begin + tok.position() < stop) {
    auto o = tok.Next(&rec);
    if (o == CsvTokenizer::Outcome::kEnd) break;
    if (o == CsvTokenizer::Outcome::kNeedMore) {
      r.need_more = true;
      break;
    }
    if (o == CsvTokenizer::Outcome::kRecord) {
      sink->OnRecord(rec);
    } else {
      sink->OnError(rec.line, window.substr(begin + rec.begin, rec.end - rec.begin), tok.error());
    }
  }
  r.end = begin + tok.position();
  r.end_line = tok.line();
  return r;
}

// Reads `input` window by window: the shared body of ReadCsvFile and ReadCsvText.
Status ReadInput(const std::string& name, Input& input, const CsvReadOptions& options,
                 const std::function<Status(const CsvRecord& header)>& on_header,
                 const std::vector<CsvSink*>& sinks, CsvReadStats* stats) {
  const int threads = std::max(1, options.threads);
  if (sinks.size() != static_cast<size_t>(threads))
    return Status::Internal("ReadCsvFile: one sink per thread is required");
  const size_t window_bytes = std::max(options.window_bytes, 2 * kMaxRecordBytes + 4096);
  *stats = CsvReadStats();

  // Header: the first record of the file.
  size_t consumed = 0;  // file offset of the next unread record
  uint64_t line = 1;
  {
    std::string_view head;
    bool head_is_all = false;
    MERIDIAN_RETURN_IF_ERROR(input.Fill(0, window_bytes, &head, &head_is_all));
    CsvTokenizer tok(head, 1, head_is_all);
    tok.SkipBom();
    CsvRecord rec;
    auto o = tok.Next(&rec);
    if (o == CsvTokenizer::Outcome::kEnd) return Status::InvalidArgument(name + ": file is empty");
    if (o != CsvTokenizer::Outcome::kRecord)
      return Status::InvalidArgument(name + ": cannot read the header line: " + tok.error());
    MERIDIAN_RETURN_IF_ERROR(on_header(rec));
    consumed = tok.position();
    line = tok.line();
  }

  std::vector<PartResult> results(static_cast<size_t>(threads));
  std::vector<size_t> starts(static_cast<size_t>(threads));
  std::vector<uint64_t> start_lines(static_cast<size_t>(threads));
  std::vector<size_t> checkpoints(static_cast<size_t>(threads));
  for (;;) {
    std::string_view window;
    bool eof = false;
    MERIDIAN_RETURN_IF_ERROR(input.Fill(consumed, window_bytes, &window, &eof));
    if (window.empty()) break;

    // Guess part starts at line starts; compute their exact line numbers.
    int parts = 1;
    starts[0] = 0;
    start_lines[0] = line;
    for (int k = 1; k < threads && window.size() >= 4 * kMaxRecordBytes; ++k) {
      size_t nominal = window.size() / static_cast<size_t>(threads) * static_cast<size_t>(k);
      const void* nl = std::memchr(window.data() + nominal, '\n', window.size() - nominal);
      if (nl == nullptr) break;
      size_t s = static_cast<size_t>(static_cast<const char*>(nl) - window.data()) + 1;
      if (s <= starts[k - 1] || s >= window.size()) break;
      starts[k] = s;
      start_lines[k] =
          start_lines[k - 1] + CountNewlines(window.data() + starts[k - 1], window.data() + s);
      parts = k + 1;
    }

    for (int k = 0; k < parts; ++k) checkpoints[k] = sinks[k]->Checkpoint();
    auto run = [&](int k) {
      size_t stop = k + 1 < parts ? starts[k + 1] : window.size();
      results[k] = ParsePart(window, starts[k], start_lines[k], stop, eof, false, sinks[k]);
    };
    if (parts == 1) {
      run(0);
    } else {
      std::vector<std::thread> pool;
      for (int k = 1; k < parts; ++k) pool.emplace_back(run, k);
      run(0);
      for (auto& t : pool) t.join();
    }

    // Accept parts while each one began where the previous really ended.
    size_t end = results[0].end;
    uint64_t end_line = results[0].end_line;
    bool stopped = results[0].need_more;
    for (int k = 1; k < parts; ++k) {
      if (!stopped && end == starts[k]) {
        end = results[k].end;
        end_line = results[k].end_line;
        stopped = results[k].need_more;
      } else {
        sinks[k]->Rollback(checkpoints[k]);
        ++stats->misguessed_splits;
        stopped = true;  // re-read the rest from `end` in the next window
      }
    }
    for (int k = 0; k < parts; ++k) sinks[k]->OnWindowDone();
    if (end == 0 && !eof) return Status::Internal("CSV reader made no progress");
    consumed += end;
    line = end_line;
    if (options.progress) options.progress(consumed, input.total());
    if (eof && !stopped) break;
  }
  stats->bytes = input.total();
  stats->lines = line - 1;
  return Status::OK();
}

}  // namespace

Status ReadCsvFile(const std::string& path, const CsvReadOptions& options,
                   const std::function<Status(const CsvRecord& header)>& on_header,
                   const std::vector<CsvSink*>& sinks, CsvReadStats* stats) {
  const size_t window_bytes = std::max(options.window_bytes, 2 * kMaxRecordBytes + 4096);
  if (options.archive.empty()) {
    FileInput input;
    MERIDIAN_RETURN_IF_ERROR(input.Open(path));
    return ReadInput(path, input, options, on_header, sinks, stats);
  }
  auto zip = ZipArchive::Open(options.archive);
  if (!zip.ok()) return zip.status();
  const ZipMember* m = (*zip)->Find(path);
  if (m == nullptr) return Status::NotFound(options.archive + ": no member named " + path);
  auto stream = (*zip)->OpenMember(*m, window_bytes);
  if (!stream.ok()) return stream.status();
  StreamInput input(std::move(*stream));
  return ReadInput(options.archive + ": " + path, input, options, on_header, sinks, stats);
}

Status ReadCsvText(const std::string& name, std::string_view text, const CsvReadOptions& options,
                   const std::function<Status(const CsvRecord& header)>& on_header,
                   const std::vector<CsvSink*>& sinks, CsvReadStats* stats) {
  MemoryInput input(text);
  return ReadInput(name, input, options, on_header, sinks, stats);
}

}  // namespace meridian
