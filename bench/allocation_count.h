// Heap allocations made so far by this process's C++ code: the bench binary replaces the global
// operator new (bench/allocation_count.cc) and counts every call, so a benchmark reports
// allocations per event beside its time (issue 10: a model's onEvent should allocate nothing in
// the steady state). malloc calls from C libraries are not counted.
#pragma once

#include <cstdint>

namespace casewatch::bench {

uint64_t allocationsSoFar();

}  // namespace casewatch::bench
