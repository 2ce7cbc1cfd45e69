// A 64-bit number as 16 lowercase hex digits, and back: the alert fingerprint's form
// (alerts/alert.h) and the pseudonym's after its "p_" (connectors/pseudonym/pseudonymizer.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace casewatch {

inline std::string hex64(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kDigits[v & 0xf];
  return out;
}

// False (and `v` untouched) unless `text` is exactly 16 lowercase hex digits.
inline bool parseHex64(std::string_view text, uint64_t& v) {
  if (text.size() != 16) return false;
  uint64_t out = 0;
  for (const char c : text) {
    uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    out = (out << 4) | digit;
  }
  v = out;
  return true;
}

}  // namespace casewatch
