// Process-wide allocator settings for batch commands (ingest, update,
// refresh). Called from the `meridian` entry point only, never from a
// library: the server keeps glibc's defaults.
#pragma once

namespace meridian {

// A batch run builds and frees buffers of tens to hundreds of megabytes, and
// on virtual machines each first touch of a fresh 4 KiB page is a costly
// trap (measured: a fifth of an ingest's time). glibc reads its allocator
// tunables only at start, so this re-executes the program (/proc/self/exe,
// same arguments) with GLIBC_TUNABLES asking for transparent huge pages on
// malloc'd memory (glibc.malloc.hugetlb=1, glibc 2.35+). Returns only when no
// re-exec happened: already tuned, the user set that tunable, or exec failed.
void ReexecWithBatchMalloc(char** argv);

// The settings that can be made at run time: blocks up to 32 MiB come from
// the heap, and freed memory stays there for reuse. Peak RSS is held until
// the process exits.
void TuneMallocForBatch();

}  // namespace meridian
