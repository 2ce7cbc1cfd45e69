// What a thread of the daemon is, told to the system: its name (seen in `top -H`, perf, and in
// bench/run's CPU by thread) and, for work that may wait, a lower scheduling priority.
#pragma once

#include <string_view>

namespace casewatch {

// Names the calling thread (at most 15 characters are kept, as Linux allows).
void nameThisThread(std::string_view name);

// Lowers the calling thread's priority to `nice` (Linux: a thread's own nice value). For work
// whose result may come late, such as a model's refit, so that it takes the CPU the intake does
// not need and never the intake's. Best effort: a failure is ignored (the work still runs).
void runThisThreadInBackground(int nice);

}  // namespace casewatch
