// How the process's allocator hands back large freed blocks, set once at start-up.
//
// glibc's malloc raises its mmap threshold each time a large mmapped block is freed (up to 32 MiB),
// so after the first hash table or vector grows, its later growths come from the heap, and the
// arrays they leave behind stay resident there. With the threshold fixed at 4 MiB, a block that
// large is always mmapped, and freeing it returns it to the system at once.
// state_mem 1000000 (every default model): 526.4 -> 504.9 resident bytes per open case. Replay
// speed unchanged: farm-bench -n 9, casewatchd replay of the 918,795-event bench feed, wall A/B
// median 1.00 (0.94–1.13). Smaller blocks keep glibc's behaviour (4 MiB and 128 KiB gave the
// same resident figure).
#pragma once

#include <cstddef>

namespace casewatch {

inline constexpr size_t kLargeBlockBytes = size_t{4} << 20;

// Call first thing in main(), before any thread starts. No effect outside glibc.
void returnLargeFreedBlocksToTheSystem();

}  // namespace casewatch
