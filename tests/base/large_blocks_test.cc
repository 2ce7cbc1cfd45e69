// The allocator setting of base/large_blocks.h: once glibc's mmap threshold has risen (a large
// mmapped block freed), a 5 MiB block comes from the heap and stays resident after it is freed;
// with the setting, the same block is mmapped and goes back to the system when freed.
#include "base/large_blocks.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// The sanitizers bring their own allocator (GCC says so with a macro, clang with __has_feature).
#if defined(__SANITIZE_ADDRESS__)
#define CASEWATCH_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CASEWATCH_OWN_ALLOCATOR 1
#endif
#endif

namespace casewatch {
namespace {

#if defined(__GLIBC__) && !defined(CASEWATCH_OWN_ALLOCATOR)
size_t mmappedBytes() {
  return mallinfo2().hblkhd;
}

// Seen from outside, so that the compiler keeps the allocations (it may drop a malloc and free
// whose block nothing reads).
void* volatile g_seen = nullptr;

void* touched(size_t bytes) {
  void* p = std::malloc(bytes);
  std::memset(p, 1, bytes);
  g_seen = p;
  return p;
}

TEST(LargeBlocksTest, AFreedLargeBlockGoesBackToTheSystem) {
  // Raise glibc's threshold the way a grown table does: a 24 MiB block freed.
  std::free(touched(24u << 20));
  returnLargeFreedBlocksToTheSystem();
  const size_t before = mmappedBytes();
  void* block = touched(kLargeBlockBytes + (1u << 20));
  EXPECT_GE(mmappedBytes(), before + kLargeBlockBytes) << "not mmapped";
  std::free(block);
  EXPECT_EQ(mmappedBytes(), before) << "not returned when freed";
}
#else
TEST(LargeBlocksTest, AFreedLargeBlockGoesBackToTheSystem) {
  GTEST_SKIP() << "glibc's malloc only (the sanitizers bring their own)";
}
#endif

}  // namespace
}  // namespace casewatch
