#include "daemon/store/store_time.h"

#include <cstdio>

namespace casewatch {

std::string formatStoreTime(TimeMs t) {
  std::string s = formatRfc3339(t, 0);  // ends in 'Z'
  const int64_t ms = ((t % 1000) + 1000) % 1000;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
  s.insert(s.size() - 1, frac);
  return s;
}

}  // namespace casewatch
