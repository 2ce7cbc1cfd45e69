// The analysts' CSV inputs (`casewatch detect --counts`, `casewatch fit escalation --features`):
// one record per line, comma-separated, fields trimmed of blanks and of one pair of double quotes
// (no quoted commas: the inputs are numeric tables).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace casewatch::csv {

// The field without surrounding blanks (and a trailing '\r') or one pair of enclosing quotes.
std::string_view trim(std::string_view field);
// The line's fields, each trimmed.
std::vector<std::string_view> split(std::string_view line);
// The same into `fields` (cleared first): a reader that keeps one vector for every line allocates
// nothing per line.
void split(std::string_view line, std::vector<std::string_view>& fields);
// A line with nothing on it (skipped by the readers).
bool blank(std::string_view line);
// A field or line for an error message: quoted, cut after 60 characters.
std::string quoted(std::string_view s);

}  // namespace casewatch::csv
