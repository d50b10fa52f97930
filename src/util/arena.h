// ByteArena: append-only storage for many small byte strings.
//
// Bytes live in fixed blocks, so pointers handed out stay valid until the
// arena is destroyed or rolled back past them. Not thread-safe; ingest gives
// each worker its own arena.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace meridian {

class ByteArena {
 public:
  static constexpr size_t kBlockBytes = 8u << 20;

  // Copies `bytes` into the arena and returns a view of the copy.
  std::string_view Append(std::string_view bytes) {
    if (bytes.size() > kBlockBytes) {  // rare: a block of its own
      blocks_.push_back({std::make_unique<char[]>(bytes.size()), bytes.size(), bytes.size()});
      std::memcpy(blocks_.back().data.get(), bytes.data(), bytes.size());
      used_total_ += bytes.size();
      return {blocks_.back().data.get(), bytes.size()};
    }
    if (blocks_.empty() || blocks_.back().capacity - blocks_.back().used < bytes.size())
      blocks_.push_back({std::make_unique<char[]>(kBlockBytes), kBlockBytes, 0});
    Block& b = blocks_.back();
    char* dst = b.data.get() + b.used;
    if (!bytes.empty()) std::memcpy(dst, bytes.data(), bytes.size());
    b.used += bytes.size();
    used_total_ += bytes.size();
    return {dst, bytes.size()};
  }

  struct Mark {
    size_t blocks, used_in_last, used_total;
  };
  Mark GetMark() const {
    return {blocks_.size(), blocks_.empty() ? 0 : blocks_.back().used, used_total_};
  }
  // Frees everything appended after `m`. REQUIRES: m came from this arena and
  // no later Rollback went past it.
  void Rollback(const Mark& m) {
    blocks_.resize(m.blocks);
    if (!blocks_.empty()) blocks_.back().used = m.used_in_last;
    used_total_ = m.used_total;
  }
  size_t bytes_used() const { return used_total_; }
  size_t bytes_reserved() const {
    size_t n = 0;
    for (const Block& b : blocks_) n += b.capacity;
    return n;
  }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t capacity, used;
  };
  std::vector<Block> blocks_;
  size_t used_total_ = 0;
};

}  // namespace meridian
