// pseudonym: where the secret key of the pseudonymisation comes from
// (connectors/pseudonym/pseudonym_key.h). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct PseudonymConfig {
  std::string key_file;  // secret material; read once at start-up; wins over key_env when set
  std::string key_env = "CASEWATCH_PSEUDONYM_KEY";  // environment variable, used when no key_file
  friend bool operator==(const PseudonymConfig&, const PseudonymConfig&) = default;
};

// The `pseudonym` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, PseudonymConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const PseudonymConfig& c);
void writeConfig(ConfigWriter& w, const PseudonymConfig& c);

}  // namespace casewatch
