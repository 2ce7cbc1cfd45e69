#include "alerts/alert_names.h"

#include <cctype>

namespace casewatch {

std::string AlertNames::of(std::string_view model) const {
  if (const auto it = names_.find(model); it != names_.end()) return it->second;
  std::string out;
  bool upper = true;
  for (char ch : model) {
    if (ch == '_' || ch == '-' || ch == '.') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    upper = false;
  }
  return out;
}

}  // namespace casewatch
