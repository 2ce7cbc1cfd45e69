// The pseudonym key's fingerprint in the data directory (<data_dir>/pseudonym_key.fingerprint,
// connectors/pseudonym/key_fingerprint.h): written on the first start, compared on every later
// one. A different key is refused: its pseudonyms would not match the stored ones, and every
// person's history would silently split in two. Re-keying means a new data directory (the old one
// stays readable under the old key); there is no in-place re-keying.
//
// Start-up only.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace casewatch {

inline constexpr char kKeyFingerprintFile[] = "pseudonym_key.fingerprint";

// `fingerprint`: keyFingerprint() of the key in use; `origin`: where that key came from (for the
// message). Errors name the file.
absl::Status checkKeyFingerprint(const std::string& data_dir, const std::string& fingerprint,
                                 const std::string& origin);

}  // namespace casewatch
