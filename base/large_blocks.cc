#include "base/large_blocks.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace casewatch {

void returnLargeFreedBlocksToTheSystem() {
#if defined(__GLIBC__)
  // Setting M_MMAP_THRESHOLD also stops glibc moving it (and the trim threshold) by itself.
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kLargeBlockBytes));
#endif
}

}  // namespace casewatch
