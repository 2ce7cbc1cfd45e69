#include "daemon/http/auth_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

#include <map>

namespace casewatch {
namespace {

const EnumTable<ApiRole> kApiRoles = {{"viewer", ApiRole::kViewer},
                                      {"duty_officer", ApiRole::kDutyOfficer},
                                      {"leader", ApiRole::kLeader}};

void decodeToken(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                 ApiTokenConfig& t) {
  MapReader r(d, n, path);
  r.read("name", t.name);
  r.read("role", t.role, kApiRoles);
  r.read("token", t.token);
  r.read("token_file", t.token_file);
}

}  // namespace

void decodeConfig(MapReader& r, AuthConfig& c) {
  if (const ConfigNode* tokens = r.take("tokens")) {
    decodeList(r.decoder(), *tokens, r.pathOf("tokens"), c.tokens,
               [&](const ConfigNode& item, const std::string& p, ApiTokenConfig& t) {
                 decodeToken(r.decoder(), item, p, t);
               });
  }
}

void validateConfig(ConfigDecoder& d, const std::string& path, const AuthConfig& c) {
  const std::string tokens = childPath(path, "tokens");
  std::map<std::string, size_t> names;
  std::map<std::string, size_t> secrets;
  for (size_t i = 0; i < c.tokens.size(); ++i) {
    const ApiTokenConfig& t = c.tokens[i];
    const std::string at = indexPath(tokens, i);
    if (t.name.empty()) {
      d.invalid(at + ".name", "must not be empty: it is recorded with every change");
    } else if (const auto [it, fresh] = names.emplace(t.name, i); !fresh) {
      d.invalid(at + ".name", "duplicate token name " + inQuotes(t.name) + " (also " +
                                  indexPath(tokens, it->second) + ")");
    }
    if (t.token.empty() == t.token_file.empty()) {
      d.invalid(at, "give exactly one of token and token_file");
      continue;
    }
    if (!t.token.empty()) {
      if (t.token.find_first_of(" \t\r\n") != std::string::npos) {
        d.invalid(at + ".token", "must not contain spaces or line breaks");
      } else if (const auto [it, fresh] = secrets.emplace(t.token, i); !fresh) {
        d.invalid(at + ".token", "the same token as " + indexPath(tokens, it->second) +
                                     ": who made a change would be ambiguous");
      }
    } else {
      checkReadableFile(d, at + ".token_file", t.token_file);
    }
  }
}

void writeConfig(ConfigWriter& w, const AuthConfig& c) {
  w.beginList("tokens", c.tokens.empty());
  for (const ApiTokenConfig& t : c.tokens) {
    w.beginItem();
    w.string("name", t.name);
    w.name("role", enumName(kApiRoles, t.role));
    if (!t.token.empty()) w.secret("token", t.token);
    if (!t.token_file.empty()) w.string("token_file", t.token_file);
    w.endItem();
  }
  w.endList();
}

}  // namespace casewatch
