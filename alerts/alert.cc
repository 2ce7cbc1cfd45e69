#include "alerts/alert.h"

#include <sodium.h>

#include <array>

#include "base/hex64.h"

namespace casewatch {
namespace {
constexpr std::array<std::string_view, 5> kStatusNames = {"firing", "acknowledged", "escalated",
                                                          "resolved", "silenced"};
constexpr std::array<std::string_view, 9> kChangeNames = {
    "fired",     "tier_changed", "resolved",   "acknowledged", "unacknowledged",
    "escalated", "silenced",     "unsilenced", "updated"};
}  // namespace

std::string_view alertStatusName(AlertStatus s) {
  return kStatusNames[static_cast<size_t>(s)];
}
bool alertStatusFromName(std::string_view s, AlertStatus& out) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == s) {
      out = static_cast<AlertStatus>(i);
      return true;
    }
  }
  return false;
}
std::string_view changeKindName(ChangeKind k) {
  return kChangeNames[static_cast<size_t>(k)];
}

uint64_t alertKey(std::string_view model, SubjectKind kind, std::string_view subject) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 8);
  const std::string_view k = subjectKindName(kind);
  const unsigned char zero = 0;
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(model.data()),
                            model.size());
  crypto_generichash_update(&st, &zero, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(k.data()), k.size());
  crypto_generichash_update(&st, &zero, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(subject.data()),
                            subject.size());
  unsigned char out[8];
  crypto_generichash_final(&st, out, sizeof out);
  uint64_t key = 0;
  for (unsigned char b : out) key = key << 8 | b;  // big-endian: the hex reads in byte order
  return key;
}

std::string alertIdOfKey(uint64_t key) {
  return hex64(key);
}

bool alertKeyOfId(std::string_view id, uint64_t& key) {
  return parseHex64(id, key);
}

std::string alertFingerprint(std::string_view model, SubjectKind kind, std::string_view subject) {
  return alertIdOfKey(alertKey(model, kind, subject));
}

}  // namespace casewatch
