// Concatenation of mixed values into a string. Debian's abseil is built with its own
// absl::string_view (not std::string_view), so absl::StrCat rejects std::string_view arguments;
// these wrap fmt (already under spdlog) instead.
#pragma once

#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

// Debian's absl::string_view is its own type: let fmt (and so spdlog) print it.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(absl::string_view s, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.data(), s.size()), ctx);
  }
};

namespace casewatch {

template <typename... Args>
void strAppend(std::string& out, const Args&... args) {
  (fmt::format_to(std::back_inserter(out), "{}", args), ...);
}

template <typename... Args>
std::string strCat(const Args&... args) {
  std::string out;
  strAppend(out, args...);
  return out;
}

}  // namespace casewatch
