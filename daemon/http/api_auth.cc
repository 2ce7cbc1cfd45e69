#include "daemon/http/api_auth.h"

#include <sodium.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "base/str_cat.h"

namespace casewatch {

std::string_view apiRoleName(ApiRole role) {
  switch (role) {
    case ApiRole::kViewer:
      return "viewer";
    case ApiRole::kDutyOfficer:
      return "duty_officer";
    case ApiRole::kLeader:
      return "leader";
  }
  return "?";
}

bool apiRoleAllows(ApiRole role, ApiRight right) {
  switch (right) {
    case ApiRight::kRead:
      return true;
    case ApiRight::kAct:
    case ApiRight::kReadDeadLetters:
      return role == ApiRole::kDutyOfficer || role == ApiRole::kLeader;
  }
  return false;
}

std::vector<ApiToken> ApiAuth::demoTokens() {
  return {{"demo-viewer", ApiRole::kViewer, "demo-viewer-token"},
          {"demo-duty", ApiRole::kDutyOfficer, "demo-duty-token"},
          {"demo-leader", ApiRole::kLeader, "demo-leader-token"}};
}

absl::StatusOr<ApiAuth> ApiAuth::fromConfig(const AuthConfig& auth, bool demo) {
  if (auth.tokens.empty() && demo) {
    ApiAuth a(demoTokens());
    a.demo_ = true;
    return a;
  }
  std::vector<ApiToken> tokens;
  for (size_t i = 0; i < auth.tokens.size(); ++i) {
    const ApiTokenConfig& t = auth.tokens[i];
    ApiToken token{t.name, t.role, t.token};
    if (!t.token_file.empty()) {
      std::ifstream in(t.token_file, std::ios::binary);
      std::ostringstream text;
      if (in.is_open()) text << in.rdbuf();
      if (!in.is_open() || in.bad()) {
        return absl::UnavailableError(
            strCat("auth.tokens[", i, "].token_file: cannot read ", t.token_file));
      }
      token.secret = text.str();
      while (!token.secret.empty() &&
             std::isspace(static_cast<unsigned char>(token.secret.back()))) {
        token.secret.pop_back();
      }
      if (token.secret.empty() || token.secret.find_first_of(" \t\r\n") != std::string::npos) {
        return absl::InvalidArgumentError(strCat("auth.tokens[", i, "].token_file: ", t.token_file,
                                                 " must hold one token on one line"));
      }
    }
    tokens.push_back(std::move(token));
  }
  return ApiAuth(tokens);
}

ApiAuth::ApiAuth(const std::vector<ApiToken>& tokens) {
  if (sodium_init() < 0) return;  // cannot happen on a working system; no token then matches
  for (const ApiToken& t : tokens) entries_.push_back(Entry{digest(t.secret), {t.name, t.role}});
}

ApiAuth::Digest ApiAuth::digest(std::string_view secret) {
  Digest d{};
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  return d;
}

const ApiPrincipal* ApiAuth::authenticate(std::string_view header) const {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() + 1) return nullptr;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return nullptr;
  }
  if (header[kScheme.size()] != ' ') return nullptr;
  std::string_view token = header.substr(kScheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return nullptr;
  const Digest d = digest(token);
  const ApiPrincipal* found = nullptr;
  for (const Entry& e : entries_) {
    // No early exit: the time taken does not depend on which token matched.
    if (sodium_memcmp(e.digest.data(), d.data(), d.size()) == 0) found = &e.principal;
  }
  return found;
}

std::vector<ApiPrincipal> ApiAuth::principals() const {
  std::vector<ApiPrincipal> out;
  for (const Entry& e : entries_) out.push_back(e.principal);
  return out;
}

}  // namespace casewatch
