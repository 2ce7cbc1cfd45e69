// auth: bearer tokens of the HTTP API (daemon/http/api_auth.h). viewer reads; duty_officer also
// acknowledges, silences and resolves; leader may do everything. Documented key by key in
// config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

enum class ApiRole { kViewer, kDutyOfficer, kLeader };

struct ApiTokenConfig {
  std::string name;  // who: recorded with every change made with this token
  ApiRole role = ApiRole::kViewer;
  std::string token;       // the secret itself, or ...
  std::string token_file;  // ... a file holding it (read at start-up; trailing newline dropped)
  friend bool operator==(const ApiTokenConfig&, const ApiTokenConfig&) = default;
};

struct AuthConfig {
  std::vector<ApiTokenConfig>
      tokens;  // empty: every authenticated route answers 401 (demo: demo tokens)
  friend bool operator==(const AuthConfig&, const AuthConfig&) = default;
};

// The `auth` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, AuthConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const AuthConfig& c);
void writeConfig(ConfigWriter& w, const AuthConfig& c);

}  // namespace casewatch
