#include "daemon/journal/journal_compaction.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "daemon/journal/segment_reader.h"
#include "daemon/service/kill_point.h"

namespace casewatch {

uint64_t compactJournalBefore(const std::string& data_dir, uint64_t position) {
  namespace fs = std::filesystem;
  const std::string dir = data_dir + "/journal";
  std::vector<std::pair<uint64_t, fs::path>> segments;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (auto first = parseSegmentFileName(entry.path().filename().string())) {
      segments.emplace_back(*first, entry.path());
    }
  }
  std::sort(segments.begin(), segments.end());
  uint64_t deleted = 0;
  // Segment i ends where segment i + 1 starts; the newest is never deleted.
  for (size_t i = 0; i + 1 < segments.size() && segments[i + 1].first <= position; ++i) {
    if (::unlink(segments[i].second.c_str()) == 0) ++deleted;
    killPointForTest("compaction.deleted");
  }
  if (deleted > 0) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return deleted;
}

}  // namespace casewatch
