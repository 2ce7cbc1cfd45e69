// One HTTP API request and its answer, and what every handler needs to read the one and write the
// other: query parameters, JSON bodies checked without exceptions, `{"error": "..."}` answers, and
// the mapping of a status code to an HTTP status. The route table (api_routes.cc) and the handlers
// (*_handler(s).cc) build on these; the router (api_router.h) owns neither.
//
// Threads: an ApiContext lives on the io_context thread for one request. `later()` hands out a
// responder that outlives it (for store reads), and either way the answer is sent exactly once.
#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "daemon/http/api_auth.h"

namespace casewatch {

struct ApiRequest {
  std::string method;         // "GET", "POST", ...
  std::string target;         // the request target as sent: path and query
  std::string authorization;  // the Authorization header; empty when absent
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string_view route = "unknown";                        // a fixed name, for metrics and logs
  bool event_stream = false;  // GET /api/v1/events accepted: the server streams events from now on
};

using ApiResponder = std::function<void(ApiResponse)>;
using TaskRunner = std::function<void(std::function<void()>)>;

using ApiJson = nlohmann::ordered_json;

constexpr size_t kMaxNoteBytes = 10000;  // an acknowledgement or resolution note, a comment
constexpr size_t kMaxLimit = 10000;      // the largest `limit` a list accepts

std::string dumpJson(const ApiJson& j);
std::string jsonQuoted(std::string_view s);
std::string jsonError(std::string_view message);
// Percent-decodes (and '+' -> ' ' when `plus_is_space`); false on a bad escape.
bool percentDecode(std::string_view in, bool plus_is_space, std::string& out);

// "a, b, c": the names a parameter may take, for an error message.
template <size_t N>
std::string oneOf(const std::string_view (&names)[N]) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

template <size_t N>
bool isOneOf(std::string_view s, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), s) != std::end(names);
}

// Parses a request body that must be a JSON object; nullopt with `error` set otherwise. An empty
// body is an empty object when `empty_ok`.
std::optional<ApiJson> parseBodyObject(std::string_view body, bool empty_ok, std::string& error);
// The first key of `obj` not in `allowed` ("" when all are known).
std::string unknownKey(const ApiJson& obj, std::initializer_list<std::string_view> allowed);
int httpStatusOf(const absl::Status& s);
ApiResponse jsonResponse(int status, std::string body);

// One request on its way through the route table to a handler.
struct ApiContext {
  std::string method;
  std::string path;
  std::vector<std::string_view> segments;                  // of `path`, raw
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  std::string query_error;
  std::string body;
  std::string authorization;
  const ApiPrincipal* principal = nullptr;
  std::string_view route = "unknown";
  bool headers_only = false;  // ApiRouter::admit: stop once the caller's rights are decided
  std::shared_ptr<bool> responded = std::make_shared<bool>(false);
  ApiResponder respond;

  // Splits the target into path segments and decoded query parameters. In place: `segments` view
  // into `path`, so an ApiContext is not copied or moved after this.
  void read(const ApiRequest& request, ApiResponder responder);

  void reply(ApiResponse r);
  void error(int status, std::string_view message);
  void ok(std::string body, int status = 200);

  // A responder for later (after a store read), independent of this context's lifetime.
  ApiResponder later() const;

  // The value of a query parameter; nullptr when absent.
  const std::string* param(std::string_view name) const;
  // True when every parameter is one of `allowed`; otherwise answers 400 and returns false.
  bool onlyParams(std::initializer_list<std::string_view> allowed);
  // Reads `limit` (1 to kMaxLimit) into `limit` when given; otherwise leaves it. False after
  // answering 400 for a bad value.
  bool limitParam(size_t& limit);
};

}  // namespace casewatch
