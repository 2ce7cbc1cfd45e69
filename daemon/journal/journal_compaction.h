// Compaction: once a durable snapshot covers the journal up to a position, the segments wholly
// before it are not needed to start (daemon/snapshot/) and are deleted. Safe beside the running
// journal: its writer only appends to the newest segment, which is never deleted.
#pragma once

#include <cstdint>
#include <string>

namespace casewatch {

// Deletes the segments of <data_dir>/journal whose records all come before `position` (the next
// segment starts at or before it); returns how many it deleted.
uint64_t compactJournalBefore(const std::string& data_dir, uint64_t position);

}  // namespace casewatch
