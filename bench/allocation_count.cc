#include "bench/allocation_count.h"

#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<uint64_t> g_allocations{0};

// CASEWATCH_ALLOC_TRACE=N: every Nth allocation writes its call stack to stderr (frames as
// binary(+offset), for addr2line -f -C -i -e casewatch_bench), to find where a benchmark allocates.
uint64_t traceEvery() {
  static const uint64_t every = [] {
    const char* v = std::getenv("CASEWATCH_ALLOC_TRACE");
    return v ? std::strtoull(v, nullptr, 10) : 0;
  }();
  return every;
}

void trace(uint64_t count) {
  static thread_local bool inside = false;
  const uint64_t every = traceEvery();
  if (every == 0 || count % every != 0 || inside) return;
  inside = true;
  void* frames[24];
  const int n = backtrace(frames, 24);
  backtrace_symbols_fd(frames + 1, n - 1, 2);
  if (write(2, "--\n", 3) < 0) {
  }
  inside = false;
}

void* allocate(std::size_t n) {
  trace(g_allocations.fetch_add(1, std::memory_order_relaxed));
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

void* allocateAligned(std::size_t n, std::align_val_t al) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t a = static_cast<std::size_t>(al);
  if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}

}  // namespace

namespace casewatch::bench {

uint64_t allocationsSoFar() {
  return g_allocations.load(std::memory_order_relaxed);
}

}  // namespace casewatch::bench

void* operator new(std::size_t n) {
  return allocate(n);
}
void* operator new[](std::size_t n) {
  return allocate(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new(std::size_t n, std::align_val_t al) {
  return allocateAligned(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al) {
  return allocateAligned(n, al);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
