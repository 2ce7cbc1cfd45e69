// Who is calling the HTTP API: bearer tokens from `auth.tokens` (daemon/http/auth_config.h), each
// with a name (recorded with every change made with it) and a role. viewer reads (all but the dead
// letters); duty_officer also reads the dead letters, acknowledges, silences and resolves; leader
// may do all of that.
//
// Tokens are kept only as BLAKE2b digests and compared in constant time (every configured token is
// compared, whatever matches). Built once at start-up (token files are read then), then read-only:
// safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/http/auth_config.h"

namespace casewatch {

// kRead: every GET; kAct: change alerts or silences; kReadDeadLetters: the rejected feed messages
// (sanitised, but they are still the raw side of the feeds: for those on duty, not every viewer).
enum class ApiRight : uint8_t { kRead, kAct, kReadDeadLetters };

std::string_view apiRoleName(ApiRole role);  // "viewer", "duty_officer", "leader"
bool apiRoleAllows(ApiRole role, ApiRight right);

struct ApiPrincipal {
  std::string name;
  ApiRole role = ApiRole::kViewer;
};

// One token as given (the secret in the clear), for building an ApiAuth.
struct ApiToken {
  std::string name;
  ApiRole role = ApiRole::kViewer;
  std::string secret;
};

class ApiAuth {
 public:
  // The fixed demo tokens (demo mode with no tokens configured). Public: never for real data.
  static std::vector<ApiToken> demoTokens();

  // Start-up only. Reads each token_file (trailing whitespace dropped); errors name the key
  // (auth.tokens[i].token_file). With no tokens and `demo`, uses demoTokens().
  static absl::StatusOr<ApiAuth> fromConfig(const AuthConfig& auth, bool demo);
  explicit ApiAuth(const std::vector<ApiToken>& tokens);
  ApiAuth() = default;

  // The caller named by an `Authorization` header value ("Bearer <token>", scheme case-
  // insensitive); nullptr when the header is missing, malformed or the token unknown.
  const ApiPrincipal* authenticate(std::string_view authorization) const;

  size_t size() const { return entries_.size(); }
  bool usingDemoTokens() const { return demo_; }
  std::vector<ApiPrincipal> principals() const;

 private:
  using Digest = std::array<unsigned char, 32>;
  static Digest digest(std::string_view secret);
  struct Entry {
    Digest digest;
    ApiPrincipal principal;
  };
  std::vector<Entry> entries_;
  bool demo_ = false;
};

}  // namespace casewatch
