#include "alerts/alert.h"

#include <sodium.h>

#include <array>
#include <cstdio>

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
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, key >>= 4) id[static_cast<size_t>(i)] = kHex[key & 0xf];
  return id;
}

bool alertKeyOfId(std::string_view id, uint64_t& key) {
  if (id.size() != 16) return false;
  uint64_t k = 0;
  for (char c : id) {
    uint64_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    k = k << 4 | d;
  }
  key = k;
  return true;
}

std::string alertFingerprint(std::string_view model, SubjectKind kind, std::string_view subject) {
  return alertIdOfKey(alertKey(model, kind, subject));
}

}  // namespace casewatch
