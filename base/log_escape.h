// Free text from a user (an ack or resolve note, a silence's comment) made safe for one log line:
// control characters, quotes and backslashes escaped (no forged log lines, no terminal escapes),
// invalid UTF-8 shown as \xNN, and cut after `max_bytes` of the input at a character boundary,
// with how much was left out. The whole text stays in the store and the API; the log only needs
// enough to recognise it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace casewatch {

inline constexpr size_t kLoggedNoteBytes = 200;

// e.g. `"paid\nOK \u001b[31m"` -> `"paid\\nOK \\u001b[31m"`; a long text ends `… (+812 bytes)`.
std::string escapedForLog(std::string_view text, size_t max_bytes = kLoggedNoteBytes);

}  // namespace casewatch
