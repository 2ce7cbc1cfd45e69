// CURVE key files for ZeroMQ (RFC 26 CurveZMQ, keys as Z85 text: 40 characters for 32 bytes).
//
// A key pair is two files, written by `casewatch keygen <prefix>`: `<prefix>.key` holds the
// secret key (mode 0600; the public key is derived from it) and `<prefix>.pub` the public key,
// which is what the other side is given. A list of client keys (what a ZAP handler admits) is a
// file of Z85 public keys, one per line. In every file, blank lines and lines starting with `#`
// are ignored, so a key can be annotated with its owner.
//
// Shared by the feeds (connectors/zmq_feed) and the alert bus (alerts/sinks/zmq_bus): it lives
// below both. Errors name the file. Plain functions; no state.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace casewatch {

struct CurveKeyPair {
  std::string public_z85;  // 40 characters
  std::string secret_z85;  // 40 characters
};

// True for 40 characters of valid Z85 (a 32-byte key).
bool isZ85Key(std::string_view text);

// The key pair of a secret key file. Refused when the file is open to group or others (a secret
// anyone on the host can read authenticates nothing).
absl::StatusOr<CurveKeyPair> readCurveSecretKeyFile(const std::string& path);
// The one public key of a public key file.
absl::StatusOr<std::string> readCurvePublicKeyFile(const std::string& path);
// The public keys listed in a client keys file, as 32 raw bytes each (what ZAP requests carry).
// An empty list is allowed (nobody is admitted).
absl::StatusOr<std::vector<std::string>> readCurveClientKeysFile(const std::string& path);

// A fresh key pair (zmq_curve_keypair).
absl::StatusOr<CurveKeyPair> generateCurveKeyPair();
// Writes `<prefix>.key` (mode 0600) and `<prefix>.pub`; refuses to overwrite either.
absl::Status writeCurveKeyPair(const std::string& prefix, const CurveKeyPair& pair);

}  // namespace casewatch
