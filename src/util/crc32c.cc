#include "util/crc32c.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <optional>
#include <thread>

namespace meridian::crc32c {

namespace {

constexpr uint32_t kPoly = 0x82F63B78;  // reflected Castagnoli polynomial

constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  return t;
}
constexpr auto kTables = MakeTables();

}  // namespace

uint32_t ExtendPortable(uint32_t crc, const char* p, size_t n) {
  uint32_t c = ~crc;
  while (n >= 8) {  // slicing-by-8
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;
    c = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
        kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
    p += 8, n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ kTables[0][(c ^ static_cast<uint8_t>(*p)) & 0xFF];
    ++p, --n;
  }
  return ~c;
}

namespace {

// ISA-L's AVX-512 code returns with the upper halves of the vector
// registers dirty; until a vzeroupper, every SSE instruction this thread
// runs afterwards pays a merge penalty (GeoGrid::Build ran 2x slower after
// a checksum pass on the same thread).
void ClearUpperVectorState() {
#if defined(__x86_64__)
  static const bool has_avx = __builtin_cpu_supports("avx");
  if (has_avx) __asm__ volatile("vzeroupper" ::: "memory");
#endif
}

}  // namespace

uint32_t Extend(uint32_t crc, const char* data, size_t n) {
  // ISA-L takes the register as is (no inversion) and an int length.
  uint32_t c = ~crc;
  auto* p = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
  while (n > 0) {
    const size_t piece = std::min<size_t>(n, size_t{1} << 30);
    c = crc32_iscsi(p, static_cast<int>(piece), c);
    p += piece, n -= piece;
  }
  ClearUpperVectorState();
  return ~c;
}

namespace {

// a * b modulo the polynomial, bit-reflected (zlib's multmodp).
constexpr uint32_t MultModP(uint32_t a, uint32_t b) {
  uint32_t m = 1u << 31, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = b & 1 ? (b >> 1) ^ kPoly : b >> 1;
  }
  return p;
}

// x^(2^k) modulo the polynomial, k = 0..31.
constexpr std::array<uint32_t, 32> MakePowers() {
  std::array<uint32_t, 32> t{};
  uint32_t p = 1u << 30;  // x^1
  for (int k = 0; k < 32; ++k) {
    t[k] = p;
    p = MultModP(p, p);
  }
  return t;
}
constexpr auto kPowers = MakePowers();

}  // namespace

uint32_t Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  // crc(A || B) = crc(A) * x^(8 len_b) + crc(B): the inversions cancel.
  uint32_t x = 1u << 31;  // x^0
  for (unsigned k = 3; len_b != 0; len_b >>= 1, ++k)
    if (len_b & 1) x = MultModP(kPowers[k & 31], x);
  return MultModP(x, crc_a) ^ crc_b;
}

std::optional<std::vector<uint32_t>> ParallelPieces(const std::vector<uint64_t>& lengths,
                                                    int threads, const PieceCrc& piece_crc) {
  constexpr uint64_t kPiece = uint64_t{32} << 20;
  struct Piece {
    size_t range;
    uint64_t offset, bytes;
    uint32_t crc = 0;
  };
  std::vector<Piece> pieces;
  for (size_t r = 0; r < lengths.size(); ++r) {
    uint64_t at = 0;
    do {
      const uint64_t n = std::min(lengths[r] - at, kPiece);
      pieces.push_back({r, at, n});
      at += n;
    } while (at < lengths[r]);
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (size_t k; !failed.load() && (k = next.fetch_add(1)) < pieces.size();)
      if (!piece_crc(pieces[k].range, pieces[k].offset, pieces[k].bytes, &pieces[k].crc))
        failed = true;
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < std::max(threads, 1); ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  if (failed.load()) return std::nullopt;
  std::vector<uint32_t> out(lengths.size(), 0);
  for (const Piece& p : pieces) out[p.range] = Combine(out[p.range], p.crc, p.bytes);
  return out;
}

std::vector<uint32_t> Parallel(const std::vector<std::string_view>& ranges, int threads) {
  std::vector<uint64_t> lengths;
  for (std::string_view r : ranges) lengths.push_back(r.size());
  return *ParallelPieces(lengths, threads,
                         [&](size_t range, uint64_t offset, uint64_t n, uint32_t* crc) {
                           *crc = Extend(0, ranges[range].data() + offset, n);
                           return true;
                         });
}

}  // namespace meridian::crc32c
