// The data directory (data_dir): the journal, the SQLite store and the state files, all personal
// data about petitioners. prepareDataDir() makes it private before anything is written there:
// the process umask becomes 077, so every file the daemon creates from then on (journal segments,
// SQLite's database, WAL and shm files, published.pos, the key fingerprint) is 0600, and the
// directory is created 0700 (an existing one open to group or others is narrowed to 0700, with a
// warning).
//
// Start-up only, on the main thread: the umask is process-wide.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace casewatch {

// Errors name `data_dir` and the path.
absl::Status prepareDataDir(const std::string& dir);

}  // namespace casewatch
