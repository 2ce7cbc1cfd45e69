#include "tools/keygen/keygen_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "base/zmq_curve/curve_keys.h"

namespace casewatch {

void addKeygenCommand(CLI::App& app) {
  auto prefix = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "keygen", "Write a CURVE key pair for ZeroMQ: PREFIX.key (secret, 0600) and PREFIX.pub");
  cmd->add_option("prefix", *prefix, "Path prefix of the two files, e.g. /etc/casewatch/feed1")
      ->required();
  cmd->callback([prefix] {
    auto pair = generateCurveKeyPair();
    absl::Status s = pair.ok() ? writeCurveKeyPair(*prefix, *pair) : pair.status();
    if (!s.ok()) {
      std::fprintf(stderr, "casewatch keygen: %s\n", std::string(s.message()).c_str());
      throw CLI::RuntimeError(1);
    }
    std::printf("%s.key  secret key (keep it on this host; mode 0600)\n", prefix->c_str());
    std::printf("%s.pub  public key %s\n", prefix->c_str(), pair->public_z85.c_str());
  });
}

}  // namespace casewatch
