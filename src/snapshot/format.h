// The on-disk layout of a Meridian snapshot (docs/snapshot-format.md).
//
// A snapshot is one file: a fixed header, a section table, then sections at
// 64-byte-aligned offsets. Per-record columns are plain little-endian arrays
// sorted by NPI, so a reader maps the file and uses them in place: loading
// does no per-record parsing. Every section carries a CRC-32C and the header
// carries the file size, so truncation and corruption are refused at load.
#pragma once

#include <cstdint>

namespace meridian::snapshot {

inline constexpr char kMagic[8] = {'M', 'E', 'R', 'I', 'D', 'S', 'N', 'P'};
inline constexpr uint32_t kFormatVersion = 2;  // 2: text index and places
inline constexpr uint32_t kSectionAlign = 64;
inline constexpr uint32_t kFlagSynthetic = 1u << 0;
inline constexpr uint16_t kNoTaxonomy = 0xFFFF;

struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t section_count;
  uint64_t file_bytes;    // total size; a shorter file is truncated
  uint64_t record_count;  // records, sorted by NPI
  uint32_t flags;         // kFlag*
  uint32_t table_crc;     // CRC-32C of the section table
  uint64_t created_unix;  // seconds since 1970 (UTC) when written
  uint8_t reserved[24];   // zero
  uint32_t pad;
  uint32_t header_crc;  // CRC-32C of the 76 bytes before it
};
static_assert(sizeof(FileHeader) == 80);

struct SectionEntry {
  char name[16];  // NUL-padded
  uint64_t offset;
  uint64_t bytes;
  uint64_t elem_count;
  uint32_t elem_bytes;  // 1 for byte blobs
  uint32_t crc;         // CRC-32C of the section's bytes
};
static_assert(sizeof(SectionEntry) == 48);

// One practice location in the "locations" section. Location 0 of each
// record is its primary practice address; secondary locations follow.
struct LocationHot {
  float lat, lon;     // meaningful when precision != 0
  uint8_t precision;  // GeoPrecision
  uint8_t state;      // StateTable id of the address state (0 unknown)
  uint16_t reserved;
};
static_assert(sizeof(LocationHot) == 12);

// Section names.
inline constexpr const char* kMeta = "meta";                // JSON text
inline constexpr const char* kStates = "states";            // varint count, strings
inline constexpr const char* kTaxonomy = "taxonomy";        // dictionary, see docs
inline constexpr const char* kNpi = "npi";                  // u32[n], ascending
inline constexpr const char* kEntity = "entity";            // u8[n], EntityType
inline constexpr const char* kSex = "sex";                  // u8[n], 'M','F','X','U' or 0
inline constexpr const char* kState = "state";              // u8[n], practice state id
inline constexpr const char* kPrimaryTax = "primary_tax";   // u16[n], taxonomy id or kNoTaxonomy
inline constexpr const char* kTaxOffsets = "tax_off";       // u32[n+1] into tax_ids
inline constexpr const char* kTaxIds = "tax_ids";           // u16[], every slot's taxonomy id
inline constexpr const char* kLocOffsets = "loc_off";       // u32[n+1] into locations
inline constexpr const char* kLocations = "locations";      // LocationHot[]
inline constexpr const char* kCoreOffsets = "core_off";     // u64[n]: row's core bytes in records
inline constexpr const char* kCoreLengths = "core_len";     // u32[n]: their length
inline constexpr const char* kAttOffsets = "att_off";       // u64[n+1] into attached
inline constexpr const char* kAttached = "attached";        // attached parts, in row order
inline constexpr const char* kCredOffsets = "cred_off";     // u32[n+1] into credentials
inline constexpr const char* kCredentials = "credentials";  // credential text, row order
inline constexpr const char* kRecords = "records";          // core parts, in input order
// The text index (text/text_index.h) and places (snapshot/places.h).
inline constexpr const char* kTextVocab = "text_vocab";         // sorted terms, concatenated
inline constexpr const char* kTextVocabOff = "text_vocab_off";  // u32[terms+1] into text_vocab
inline constexpr const char* kTextPostOff = "text_post_off";    // u32[terms+1] into text_postings
inline constexpr const char* kTextPostings = "text_postings";   // u32[]: rows, per term ascending
inline constexpr const char* kTextFwdOff = "text_fwd_off";      // u32[n+1] into text_fwd
inline constexpr const char* kTextFwd = "text_fwd";  // u32[]: term ids, per row ascending
inline constexpr const char* kPlaces = "places";     // encoded Place list
inline constexpr const char* kPlace = "place";       // u32[n]: place id of each row
// Optional (snapshots written before it lack it): per location, parallel to
// `locations`, the first five digits of its postal code as a number
// (53703), or kNoPostal.
inline constexpr const char* kLocPostal = "loc_postal";  // u32[locations]
inline constexpr uint32_t kNoPostal = UINT32_MAX;

}  // namespace meridian::snapshot
