// A pseudonym key's fingerprint: what the data directory remembers of the key its pseudonyms were
// made with, so that a start with a different key is refused instead of silently splitting every
// person's history in two (daemon/key_fingerprint_file.h keeps it).
//
// Method: BLAKE2b (libsodium crypto_generichash) keyed with the pseudonym key over a fixed label,
// 16 bytes printed as 32 hex digits. It is a keyed hash of public text, never the key: without the
// key it neither reveals it nor lets anyone pseudonymise ids.
#pragma once

#include <string>

#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {

std::string keyFingerprint(const Pseudonymizer::Key& key);

}  // namespace casewatch
