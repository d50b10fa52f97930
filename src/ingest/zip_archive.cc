#include "ingest/zip_archive.h"

#include <isa-l/igzip_lib.h>
#include <zip.h>

#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "util/ascii.h"

namespace meridian {

namespace {

std::string ZipErrorText(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string text = zip_error_strerror(&e);
  zip_error_fini(&e);
  return text;
}

// A member's uncompressed bytes, pulled in blocks by one thread.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Writes up to `cap` bytes at `buf`; 0 at the end of the member.
  virtual Result<size_t> Fill(char* buf, size_t cap) = 0;
};

// libzip's own reading (any method it supports; CRC checked at the end).
class LibZipSource : public ByteSource {
 public:
  LibZipSource(zip_file_t* f, std::string name) : file_(f), name_(std::move(name)) {}
  ~LibZipSource() override { zip_fclose(file_); }
  Result<size_t> Fill(char* buf, size_t cap) override {
    zip_int64_t n = zip_fread(file_, buf, cap);
    if (n < 0) return Status::Corruption(name_ + ": " + zip_file_strerror(file_));
    return static_cast<size_t>(n);
  }

 private:
  zip_file_t* file_;
  const std::string name_;
};

// A deflated member inflated with ISA-L (Debian libisal-dev), about twice as
// fast as zlib: libzip hands over the raw deflate stream, ISA-L inflates it
// and keeps its CRC-32, which must match the central directory's, as must
// the size.
class IsalSource : public ByteSource {
 public:
  IsalSource(zip_file_t* raw, std::string name, uint64_t size, uint32_t crc)
      : raw_(raw), name_(std::move(name)), size_(size), crc_(crc), in_(new uint8_t[kIn]) {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP_NO_HDR;  // the gzip CRC-32 is the ZIP CRC-32
  }
  ~IsalSource() override { zip_fclose(raw_); }
  Result<size_t> Fill(char* buf, size_t cap) override {
    state_.next_out = reinterpret_cast<uint8_t*>(buf);
    state_.avail_out = static_cast<uint32_t>(cap);
    while (state_.avail_out > 0 && state_.block_state != ISAL_BLOCK_FINISH) {
      if (state_.avail_in == 0) {
        zip_int64_t n = zip_fread(raw_, in_.get(), kIn);
        if (n < 0) return Status::Corruption(name_ + ": " + zip_file_strerror(raw_));
        if (n == 0) return Status::Corruption(name_ + ": the compressed data ends early");
        state_.next_in = in_.get();
        state_.avail_in = static_cast<uint32_t>(n);
      }
      int r = isal_inflate(&state_);
      if (r != ISAL_DECOMP_OK)
        return Status::Corruption(name_ + ": damaged deflate data (ISA-L error " +
                                  std::to_string(r) + ")");
    }
    const size_t n = cap - state_.avail_out;
    total_ += n;
    if (state_.block_state == ISAL_BLOCK_FINISH && n == 0 && !checked_) {
      checked_ = true;
      if (total_ != size_)
        return Status::Corruption(name_ + ": inflated to " + std::to_string(total_) +
                                  " bytes, the archive says " + std::to_string(size_));
      if (state_.crc != crc_) return Status::Corruption(name_ + ": CRC-32 mismatch");
    }
    return n;
  }

 private:
  static constexpr size_t kIn = 1u << 20;
  zip_file_t* raw_;
  const std::string name_;
  const uint64_t size_;
  const uint32_t crc_;
  std::unique_ptr<uint8_t[]> in_;
  inflate_state state_;
  uint64_t total_ = 0;
  bool checked_ = false;
};

// Inflates one member on its own thread into a bounded queue of chunks.
class ThreadedStream : public ZipStream {
 public:
  ThreadedStream(std::unique_ptr<ByteSource> source, uint64_t size, size_t ahead)
      : source_(std::move(source)), size_(size), ahead_(std::max<size_t>(ahead, 2 * kChunk)) {
    worker_ = std::thread([this] { Produce(); });
  }
  ~ThreadedStream() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  Status Read(size_t max, std::string* out) override {
    size_t want = max;
    while (want > 0) {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return !chunks_.empty() || done_; });
      if (chunks_.empty()) {
        if (!status_.ok()) return status_;
        return Status::OK();  // end of member
      }
      Chunk& c = chunks_.front();
      size_t n = std::min(want, c.size - front_used_);
      out->append(c.data.get() + front_used_, n);
      front_used_ += n;
      want -= n;
      if (front_used_ == c.size) {
        held_ -= c.size;
        free_.push_back(std::move(c.data));  // reused: no fresh pages to fault in
        chunks_.pop_front();
        front_used_ = 0;
        cv_.notify_all();
      }
    }
    return Status::OK();
  }
  uint64_t size() const override { return size_; }

 private:
  static constexpr size_t kChunk = 1u << 20;

  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };

  void Produce() {
    for (;;) {
      std::unique_ptr<char[]> buf;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return stop_ || held_ + kChunk <= ahead_; });
        if (stop_) return;
        if (!free_.empty()) {
          buf = std::move(free_.back());
          free_.pop_back();
        }
      }
      if (!buf) buf.reset(new char[kChunk]);  // not zeroed: zip_fread fills it
      Result<size_t> got = source_->Fill(buf.get(), kChunk);
      std::lock_guard<std::mutex> l(mu_);
      if (!got.ok()) {
        status_ = got.status();
        done_ = true;
      } else if (*got == 0) {
        done_ = true;
      } else {
        held_ += *got;
        chunks_.push_back({std::move(buf), *got});
      }
      cv_.notify_all();
      if (done_) return;
    }
  }

  std::unique_ptr<ByteSource> source_;
  const uint64_t size_;
  const size_t ahead_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> chunks_;  // guarded by mu_
  std::vector<std::unique_ptr<char[]>> free_;
  size_t front_used_ = 0;  // bytes of chunks_.front() already read (reader only)
  size_t held_ = 0;
  bool done_ = false, stop_ = false;
  Status status_;
  std::thread worker_;
};

class LibZipArchive : public ZipArchive {
 public:
  LibZipArchive(std::string path, zip_t* z) : ZipArchive(std::move(path)), zip_(z) {}
  ~LibZipArchive() override { zip_discard(zip_); }

  Status List() {
    zip_int64_t n = zip_get_num_entries(zip_, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(zip_, static_cast<zip_uint64_t>(i), 0, &st) != 0)
        return Status::Corruption(path_ + ": " + zip_strerror(zip_));
      if (st.name == nullptr) continue;
      std::string name = st.name;
      if (!name.empty() && name.back() == '/') continue;  // a directory
      members_.push_back({name, st.size, static_cast<uint64_t>(i)});
    }
    return Status::OK();
  }

  const std::vector<ZipMember>& members() const override { return members_; }

  Result<std::unique_ptr<ZipStream>> OpenMember(const ZipMember& m, size_t ahead) override {
    // One archive handle is shared by the member streams; libzip reads each
    // member through its own file offset, so one stream at a time is safe.
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, m.index, 0, &st) != 0)
      return Status::Corruption(path_ + ": " + zip_strerror(zip_));
    const bool deflated = (st.valid & ZIP_STAT_COMP_METHOD) && (st.valid & ZIP_STAT_CRC) &&
                          st.comp_method == ZIP_CM_DEFLATE && st.encryption_method == ZIP_EM_NONE;
    zip_file_t* f = zip_fopen_index(zip_, m.index, deflated ? ZIP_FL_COMPRESSED : 0);
    if (f == nullptr)
      return Status::Corruption(path_ + ": cannot open member " + m.name + ": " +
                                zip_strerror(zip_));
    const std::string name = path_ + ": " + m.name;
    std::unique_ptr<ByteSource> source;
    if (deflated)
      source = std::make_unique<IsalSource>(f, name, m.size, st.crc);
    else
      source = std::make_unique<LibZipSource>(f, name);
    return std::unique_ptr<ZipStream>(new ThreadedStream(std::move(source), m.size, ahead));
  }

 private:
  zip_t* zip_;
  std::vector<ZipMember> members_;
};

std::string_view MemberFileName(std::string_view p) {
  size_t slash = p.find_last_of('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}
bool EndsWithCsv(std::string_view s) {
  if (s.size() < 4) return false;
  return AsciiLower(s.substr(s.size() - 4)) == ".csv";
}

}  // namespace

Result<std::unique_ptr<ZipArchive>> ZipArchive::Open(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (z == nullptr) {
    if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN || err == ZIP_ER_READ)
      return Status::IoError(path + ": " + ZipErrorText(err));
    return Status::InvalidArgument(path + ": not a readable ZIP archive (" + ZipErrorText(err) +
                                   ")");
  }
  auto a = std::make_unique<LibZipArchive>(path, z);
  MERIDIAN_RETURN_IF_ERROR(a->List());
  return std::unique_ptr<ZipArchive>(std::move(a));
}

Result<std::unique_ptr<ZipArchive>> ZipArchive::OpenBuffer(const std::string& name,
                                                           std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (src == nullptr) {
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Status::Internal(name + ": " + text);
  }
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &error);
  if (z == nullptr) {
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    zip_source_free(src);
    return Status::InvalidArgument(name + ": not a readable ZIP archive (" + text + ")");
  }
  zip_error_fini(&error);
  auto a = std::make_unique<LibZipArchive>(name, z);
  MERIDIAN_RETURN_IF_ERROR(a->List());
  return std::unique_ptr<ZipArchive>(std::move(a));
}

const ZipMember* ZipArchive::Find(std::string_view name) const {
  for (const ZipMember& m : members())
    if (MemberFileName(m.name) == name || m.name == name) return &m;
  return nullptr;
}

Result<std::string> ZipArchive::ReadAll(const ZipMember& m, uint64_t max_bytes) {
  if (m.size > max_bytes)
    return Status::InvalidArgument(path_ + ": member " + m.name + " is larger than " +
                                   std::to_string(max_bytes) + " bytes");
  auto s = OpenMember(m, 4u << 20);
  if (!s.ok()) return s.status();
  std::string out;
  out.reserve(m.size);
  for (;;) {
    size_t before = out.size();
    MERIDIAN_RETURN_IF_ERROR((*s)->Read(1u << 20, &out));
    if (out.size() == before) break;
    if (out.size() > max_bytes)
      return Status::Corruption(path_ + ": member " + m.name + " is larger than it claims");
  }
  return out;
}

NppesMembers FindNppesMembers(const ZipArchive& zip) {
  NppesMembers out;
  for (const ZipMember& m : zip.members()) {
    std::string_view b = MemberFileName(m.name);
    if (!EndsWithCsv(b) || b.find("fileheader") != std::string_view::npos ||
        b.find("FileHeader") != std::string_view::npos)
      continue;
    std::string* slot = nullptr;
    if (StartsWith(b, "npidata_pfile_"))
      slot = &out.npidata;
    else if (StartsWith(b, "pl_pfile_"))
      slot = &out.pl;
    else if (StartsWith(b, "othername_pfile_"))
      slot = &out.othername;
    else if (StartsWith(b, "endpoint_pfile_"))
      slot = &out.endpoint;
    if (slot != nullptr && slot->empty()) *slot = m.name;
  }
  return out;
}

bool LooksLikeZip(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char head[4] = {};
  size_t n = std::fread(head, 1, 4, f);
  std::fclose(f);
  return n == 4 && std::memcmp(head, "PK\3\4", 4) == 0;
}

}  // namespace meridian
