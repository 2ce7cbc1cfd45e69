// Where the pseudonymisation key comes from: a key file, else an environment variable, else — in
// demo mode only — the built-in demo key (with a loud warning). Anything else is a fatal start-up
// error: running without a secret key would make pseudonyms reversible by guessing.
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
