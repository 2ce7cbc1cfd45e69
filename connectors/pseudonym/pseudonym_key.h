// Where the pseudonymisation key comes from, first found wins: pseudonym.key_file when set (the
// environment variable is then ignored), else the environment variable pseudonym.key_env when set
// and non-empty, else — in demo mode only — the built-in demo key (with a loud warning). Anything
// else is a fatal start-up error: running without a secret key would make pseudonyms reversible by
// guessing. The key file must be readable by its owner only (no group or other permission bits);
// otherwise the start is refused with a message naming the file and `chmod 600`.
#pragma once

#include "absl/status/statusor.h"
#include "connectors/pseudonym/pseudonym_config.h"
#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {

struct PseudonymKey {
  Pseudonymizer::Key key;
  std::string origin;  // "key file /path", "environment CASEWATCH_PSEUDONYM_KEY", "demo key"
  bool demo = false;
};

// `demo`: demo mode, where the built-in key is allowed.
absl::StatusOr<PseudonymKey> loadPseudonymKey(const PseudonymConfig& config, bool demo);

}  // namespace casewatch
