// Process-wide allocator settings, made from program entry points only
// (never from a library): `meridian`, and the benchmarks that measure what
// a server runs (bench_search, bench_answer).
#pragma once

namespace meridian {

// Ingest and a starting server build and free buffers of tens to hundreds
// of megabytes, and on virtual machines each first touch of a fresh 4 KiB
// page is a costly trap. glibc reads its allocator tunables only at start,
// so this re-executes the program (/proc/self/exe, same arguments) with
// GLIBC_TUNABLES set to:
//   glibc.malloc.hugetlb=1         transparent huge pages for malloc'd memory
//   glibc.malloc.mmap_threshold    blocks up to 32 MiB come from the heap ...
//   glibc.malloc.trim_threshold    ... and freed memory stays there for reuse
//   glibc.malloc.top_pad           the heap grows 64 MiB at a time
// Measured on a 2-core VM: ingest of 1 M rows 3.6 s -> 3.0 s; a 9 M-row
// server ready in 1.6 s instead of 2.4 s. A server hands memory back on
// reload with malloc_trim (http/service_data.cc).
// Returns only when no re-exec happened: the user set GLIBC_TUNABLES for the
// allocator already (theirs wins), or exec failed (the program runs untuned).
void ReexecWithTunedMalloc(char** argv);

}  // namespace meridian
