#include "ingest/csv_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace meridian {

namespace {

class FileReader {
 public:
  ~FileReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::IoError(path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Status::IoError(path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return Status::IoError(path + ": is a directory");
    size_ = static_cast<uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    return Status::OK();
  }
  // Appends up to `want` bytes to *buf. Sets *eof when the file is exhausted.
  Status Fill(std::string* buf, size_t want, bool* eof) {
    size_t old = buf->size();
    buf->resize(old + want);
    size_t got = 0;
    while (got < want) {
      ssize_t n = ::read(fd_, buf->data() + old + got, want - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        buf->resize(old + got);
        return Status::IoError(std::string("read: ") + std::strerror(errno));
      }
      if (n == 0) {
        *eof = true;
        break;
      }
      got += static_cast<size_t>(n);
    }
    buf->resize(old + got);
    return Status::OK();
  }
  uint64_t size() const { return size_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
};

struct PartResult {
  size_t end = 0;           // window offset where this part stopped
  uint64_t end_line = 0;    // line number there
  bool need_more = false;   // stopped at an incomplete record at the window end
};

// Parses records starting at `begin` until the next record would start at or
// after `stop` (or the window ends).
PartResult ParsePart(std::string_view window, size_t begin, uint64_t line, size_t stop,
                     bool at_eof, bool skip_bom, CsvSink* sink) {
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
      sink->OnError(rec.line, window.substr(begin + rec.begin, rec.end - rec.begin),
                    tok.error());
    }
  }
  r.end = begin + tok.position();
  r.end_line = tok.line();
  return r;
}

}  // namespace

Status ReadCsvFile(const std::string& path, const CsvReadOptions& options,
                   const std::function<Status(const CsvRecord& header)>& on_header,
                   const std::vector<CsvSink*>& sinks, CsvReadStats* stats) {
  const int threads = std::max(1, options.threads);
  if (sinks.size() != static_cast<size_t>(threads))
    return Status::Internal("ReadCsvFile: one sink per thread is required");
  const size_t window_bytes = std::max(options.window_bytes, 2 * kMaxRecordBytes + 4096);
  FileReader file;
  MERIDIAN_RETURN_IF_ERROR(file.Open(path));

  std::string buf;
  bool eof = false;
  uint64_t consumed_total = 0;  // file offset of buf[0]
  uint64_t line = 1;
  *stats = CsvReadStats();

  // Header: the first record of the file.
  {
    MERIDIAN_RETURN_IF_ERROR(file.Fill(&buf, window_bytes, &eof));
    CsvTokenizer tok(buf, 1, eof);
    tok.SkipBom();
    CsvRecord rec;
    auto o = tok.Next(&rec);
    if (o == CsvTokenizer::Outcome::kEnd) return Status::InvalidArgument(path + ": file is empty");
    if (o != CsvTokenizer::Outcome::kRecord)
      return Status::InvalidArgument(path + ": cannot read the header line: " + tok.error());
    MERIDIAN_RETURN_IF_ERROR(on_header(rec));
    buf.erase(0, tok.position());
    consumed_total = tok.position();
    line = tok.line();
  }

  std::vector<PartResult> results(static_cast<size_t>(threads));
  std::vector<size_t> starts(static_cast<size_t>(threads));
  std::vector<uint64_t> start_lines(static_cast<size_t>(threads));
  std::vector<size_t> checkpoints(static_cast<size_t>(threads));
  for (;;) {
    if (!eof && buf.size() < window_bytes)
      MERIDIAN_RETURN_IF_ERROR(file.Fill(&buf, window_bytes - buf.size(), &eof));
    if (buf.empty() && eof) break;
    std::string_view window(buf);

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
      start_lines[k] = start_lines[k - 1] + static_cast<uint64_t>(std::count(
                                                window.data() + starts[k - 1], window.data() + s,
                                                '\n'));
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

    buf.erase(0, end);
    consumed_total += end;
    line = end_line;
    if (options.progress) options.progress(consumed_total, file.size());
    if (eof && buf.empty()) break;
    if (end == 0 && eof && !stopped) break;
  }
  stats->bytes = consumed_total;
  stats->lines = line - 1;
  return Status::OK();
}

}  // namespace meridian
