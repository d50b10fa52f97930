// Reading members of a ZIP archive as CMS publishes NPPES (the monthly and
// weekly "NPPES_Data_Dissemination_*.zip" files, and the deactivation report's
// ZIP holding an .xlsx workbook), without extracting anything to disk.
//
// A member is read front to back through ZipStream; inflating runs on a
// thread of its own a few MiB ahead of the reader, so the CSV parser's threads
// never wait on zlib while there is input ready. libzip (Debian libzip-dev)
// reads the archive's central directory and checks each member's CRC-32 at its
// end: a damaged archive gives a Corruption status naming the member.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

struct ZipMember {
  std::string name;   // path inside the archive, as stored
  uint64_t size = 0;  // uncompressed bytes, from the central directory
  uint64_t index = 0;
};

// A stream of one member's bytes. Not thread-safe: one reader.
class ZipStream {
 public:
  virtual ~ZipStream() = default;
  // Appends up to `max` further bytes to *out. Returns OK with nothing
  // appended at the end of the member; Corruption when the member is damaged.
  virtual Status Read(size_t max, std::string* out) = 0;
  // Uncompressed size claimed by the central directory.
  virtual uint64_t size() const = 0;
};

class ZipArchive {
 public:
  // Opens `path` read-only. InvalidArgument when it is not a ZIP archive,
  // IoError when it cannot be read. The archive must outlive its streams.
  static Result<std::unique_ptr<ZipArchive>> Open(const std::string& path);
  // The same over bytes in memory (an .xlsx workbook read from inside a ZIP);
  // `name` is used in messages. `bytes` must outlive the archive.
  static Result<std::unique_ptr<ZipArchive>> OpenBuffer(const std::string& name,
                                                        std::string_view bytes);
  virtual ~ZipArchive() = default;

  virtual const std::vector<ZipMember>& members() const = 0;
  // The member whose file name (directory part ignored) matches, or null.
  const ZipMember* Find(std::string_view name) const;
  // Starts reading member `m`; `ahead_bytes` bounds what the inflating thread
  // may hold ahead of the reader.
  virtual Result<std::unique_ptr<ZipStream>> OpenMember(const ZipMember& m,
                                                        size_t ahead_bytes = 32u << 20) = 0;
  // Reads a whole (small) member into memory.
  Result<std::string> ReadAll(const ZipMember& m, uint64_t max_bytes = 256u << 20);

  const std::string& path() const { return path_; }

 protected:
  explicit ZipArchive(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The NPPES members of a dissemination archive, found by name: the data file
// ("npidata_pfile_*.csv"), the side files ("pl_pfile_*", "othername_pfile_*",
// "endpoint_pfile_*"); the "*_fileheader.csv" members and the PDF are
// ignored. Names are "" when the archive has no such member.
struct NppesMembers {
  std::string npidata, pl, othername, endpoint;
};
NppesMembers FindNppesMembers(const ZipArchive& zip);

// True when `path` starts with the ZIP local-file signature "PK\3\4".
bool LooksLikeZip(const std::string& path);

}  // namespace meridian
