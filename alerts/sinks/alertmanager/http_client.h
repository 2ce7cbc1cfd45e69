// A small blocking HTTP/1.1 client for one peer (host:port), keeping its connection alive between
// requests. Boost.Beast underneath, confined to http_client.cc (Beast is slow to compile).
// Each call runs its own private io_context to completion with a time limit, so it blocks the
// calling thread only: use it on a sink's own thread, never on the daemon's io_context.
//
// Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace casewatch {

struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string path_prefix;  // no trailing slash; "" for none
  // Parses http://host[:port][/prefix] (IPv6 hosts in brackets). InvalidArgument otherwise.
  static absl::StatusOr<HttpUrl> parse(std::string_view url);
};

class HttpClient {
 public:
  struct Response {
    int status = 0;
    std::string body;
  };
  HttpClient(HttpUrl url, std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` to path_prefix + `path`. Unavailable for a transport failure (cannot connect,
  // timed out, connection lost); otherwise the response, whatever its status.
  absl::StatusOr<Response> post(std::string_view path, const std::string& body,
                                std::string_view content_type = "application/json");
  const HttpUrl& url() const { return url_; }

 private:
  struct Impl;
  HttpUrl url_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace casewatch
