// Test-only kill points, for the crash tests (tests/integration/test_kill_moments.py): with
// CASEWATCH_TEST_KILL_AT=<point>:<n> in its environment, casewatchd kills itself with SIGKILL the
// n-th time it passes <point>, so that a test can crash it exactly mid-snapshot or
// mid-compaction, which a kill from outside at a random time would almost never hit. The points:
//   journal.written      a group commit written, not yet fdatasync()ed (mid-group-commit)
//   snapshot.written     a snapshot's temp file written and synced, not yet renamed into place
//   compaction.deleted   one journal segment deleted by compaction, the rest not yet
//   alerts.recorded      alert changes committed in the store, not yet published
//   alerts.published     alert changes handed to the sinks (one, or the backlog of the first
//                        second after a start), their published position not moved
// It writes "kill point <point> reached: SIGKILL" to stderr first. Unset (always, outside tests)
// it costs one relaxed atomic load per pass. A process-wide switch by nature: armed once by main()
// before any thread starts; killPointForTest() may be called from any thread.
#pragma once

#include <string_view>

namespace casewatch {

// Parses "<point>:<n>" (n >= 1); false (and nothing armed) when malformed.
bool armKillPointForTest(std::string_view spec);
void killPointForTest(std::string_view point);

}  // namespace casewatch
