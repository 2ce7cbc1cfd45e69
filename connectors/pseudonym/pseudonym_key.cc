#include "connectors/pseudonym/pseudonym_key.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/str_cat.h"

namespace casewatch {

absl::StatusOr<PseudonymKey> loadPseudonymKey(const PseudonymConfig& pseudonym, bool demo) {
  if (!pseudonym.key_file.empty()) {
    std::ifstream in(pseudonym.key_file, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(strCat("pseudonym.key_file: cannot read ", pseudonym.key_file));
    }
    // A secret others on the machine can read is no secret: with it, anyone could link a
    // pseudonym back to a person by hashing guesses.
    struct stat st {};
    if (::stat(pseudonym.key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return absl::FailedPreconditionError(
          strCat("pseudonym.key_file: ", pseudonym.key_file, " is open to group or others (mode ",
                 fmt::format("{:04o}", st.st_mode & 07777),
                 "); a pseudonym key must be readable by its owner only: run `chmod 600 ",
                 pseudonym.key_file, "`"));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string secret = ss.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() < 16) {
      return absl::InvalidArgumentError(strCat(
          "pseudonym.key_file: ", pseudonym.key_file,
          " holds fewer than 16 bytes of secret; use e.g. `head -c 32 /dev/urandom | base64`"));
    }
    return PseudonymKey{Pseudonymizer::deriveKey(secret), strCat("key file ", pseudonym.key_file),
                        false};
  }
  if (!pseudonym.key_env.empty()) {
    if (const char* v = std::getenv(pseudonym.key_env.c_str()); v && *v) {
      if (std::string_view(v).size() < 16) {
        return absl::InvalidArgumentError(strCat("pseudonym.key_env: $", pseudonym.key_env,
                                                 " holds fewer than 16 bytes of secret"));
      }
      return PseudonymKey{Pseudonymizer::deriveKey(v), strCat("environment ", pseudonym.key_env),
                          false};
    }
  }
  if (demo) return PseudonymKey{Pseudonymizer::demoKey(), "built-in demo key", true};
  return absl::FailedPreconditionError(strCat(
      "pseudonym: no key. Set pseudonym.key_file, or the environment variable $", pseudonym.key_env,
      " (at least 16 bytes of secret), or run with demo: true "
      "(the built-in demo key: never for real data)"));
}

}  // namespace casewatch
