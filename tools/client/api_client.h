// A small blocking HTTP/1.1 client of the daemon's HTTP API v1 for the `casewatch` command-line
// client (alerts, ack, silence, ...). Plain http:// only: the API listens on loopback by default
// (put a TLS proxy in front for anything else). One request per connection (Connection: close).
//
// Not thread-safe; one per command run.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace casewatch::client {

struct ApiReply {
  int status = 0;
  std::string body;
};

struct ApiEndpoint {
  std::string host;
  std::string port = "80";
  std::string base_path;  // prefix before /api/v1, without a trailing slash
};

// Parses http://host[:port][/prefix]; InvalidArgument naming what is wrong otherwise.
absl::StatusOr<ApiEndpoint> parseApiUrl(std::string_view url);

class ApiClient {
 public:
  ApiClient(ApiEndpoint endpoint, std::string token, int timeout_seconds = 30)
      : endpoint_(std::move(endpoint)), token_(std::move(token)), timeout_(timeout_seconds) {}

  // Sends one request (`path` starts with '/', query included). Unavailable when the daemon cannot
  // be reached or the answer is cut short; an HTTP error status is a reply, not an error.
  absl::StatusOr<ApiReply> request(std::string_view method, std::string_view path,
                                   std::string_view body = "");

 private:
  ApiEndpoint endpoint_;
  std::string token_;
  int timeout_;
};

// Percent-encodes a path segment or query value.
std::string urlEncode(std::string_view s);

}  // namespace casewatch::client
