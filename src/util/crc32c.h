// CRC-32C (Castagnoli), the checksum of Meridian's binary files.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked at run time,
// so the binary still runs on CPUs without it) and a table otherwise. Both
// give identical results (tested).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace meridian::crc32c {

// Extends `crc` (0 to start) with `data`.
uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

// The portable implementation, exposed for tests.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);
bool HardwareAvailable();

}  // namespace meridian::crc32c
