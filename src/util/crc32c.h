// CRC-32C (Castagnoli), the checksum of Meridian's binary files.
//
// Computed by ISA-L's crc32_iscsi (the same polynomial; it picks the fastest
// code for the CPU at run time, folding with carry-less multiplies where the
// CPU has them: about 1.6x the plain SSE4.2 crc32 loop). A table-driven
// portable version is kept for tests; all give identical results (tested).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace meridian::crc32c {

// Extends `crc` (0 to start) with `data`.
uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

// The CRC of A followed by B, from crc(A), crc(B) and B's length (zlib's
// crc32_combine, for this polynomial). Lets a long buffer be checked in
// pieces on several threads.
uint32_t Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

// The CRC of each of `ranges` (pointer, length), computed on `threads`
// threads, long ranges cut into pieces and combined.
std::vector<uint32_t> Parallel(const std::vector<std::string_view>& ranges, int threads);

// The same for ranges the caller reads itself (from a file, say): ranges of
// `lengths` bytes are cut into pieces of at most 32 MiB, and piece_crc(range,
// offset, n, &crc) sets the CRC of bytes [offset, offset + n) of that range,
// or returns false to stop (then the result is empty). Called on `threads`
// threads at once.
using PieceCrc = std::function<bool(size_t range, uint64_t offset, uint64_t n, uint32_t* crc)>;
std::optional<std::vector<uint32_t>> ParallelPieces(const std::vector<uint64_t>& lengths,
                                                    int threads, const PieceCrc& piece_crc);

// The portable implementation, exposed for tests.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);

}  // namespace meridian::crc32c
