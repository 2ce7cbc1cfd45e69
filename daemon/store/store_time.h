// How the alert store writes a time as text: RFC 3339 in UTC with milliseconds, e.g.
// 2026-03-04T01:15:00.250Z, so that the text sorts as the time (retention compares it). Both
// engines store times this way.
#pragma once

#include <string>

#include "base/time.h"

namespace casewatch {

std::string formatStoreTime(TimeMs t);

}  // namespace casewatch
