// Loading the daemon's configuration: YAML text -> validated `Config` (daemon/daemon_config.h).
//
// The tree comes from config/loader.h (embedded defaults, the user's file over them, then each
// `--set`); each section is then decoded and checked by the component that owns it. Every problem
// is collected, each with the exact key path ("feeds[1].kind",
// "clocks.overrides[0].handling_days"), so an operator sees all of them at once. An unknown key
// anywhere is an error: a typo must fail at start-up, not go quietly unused.
//
// Start-up and reload only; stateless: every function may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "daemon/daemon_config.h"

namespace casewatch {

struct ConfigResult {
  Config config;  // meaningful only when ok()
  std::vector<ConfigError> errors;

  bool ok() const { return errors.empty(); }
  // One line per error, "<path>: <message>", joined by '\n' (no trailing newline).
  std::string describe() const;
};

// Parses `yaml_text` over the embedded defaults, applies `sets` ("key.path=value", the value parsed
// as YAML; list indices are path segments and index == size appends), then validates. `origin`
// names the text in error locations (usually the file name).
ConfigResult loadConfig(std::string_view yaml_text, const std::vector<std::string>& sets = {},
                        std::string_view origin = "<config>");
// As loadConfig on the file's contents; an unreadable file is an error with the path as its path.
ConfigResult loadConfigFile(const std::string& path, const std::vector<std::string>& sets = {});
// The embedded defaults with `sets` applied.
ConfigResult loadDefaultConfig(const std::vector<std::string>& sets = {});

// The whole effective configuration as YAML in the same shape the loader reads. Without
// `redact_secrets`, loading the result gives back an equal Config; with it (`check-config
// --print`), inline secrets (auth.tokens[].token) are shown as `<redacted>`.
std::string formatConfigYaml(const Config& config, bool redact_secrets = false);

// Decodes `yaml_text` alone over the struct defaults (no embedded defaults underneath, no sets).
// With `require_every_key`, a key the loader knows but the text leaves out is an error too: this is
// how a test proves config/casewatch.yaml documents every key.
ConfigResult decodeConfigForTest(std::string_view yaml_text, bool require_every_key);

}  // namespace casewatch
