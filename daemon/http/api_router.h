// The HTTP API v1 (shared/contracts/alerts.md, "HTTP API, version 1") as plain request -> response
// logic, with no HTTP library in sight: the server (http_server.h) parses the wire format and hands
// each request here. Routing, authentication, validation of parameters and bodies, and the JSON of
// every answer live here; the alerts themselves are reached through AlertOperations and the store.
//
// Refusals change nothing: a missing or unknown token (401), a role without the right (403), a
// malformed parameter or body (400, `{"error": "..."}` naming what is wrong) and an unknown id
// (404) are all decided before any AlertOperations call that changes state. Bad input never throws.
//
// Threads: handle() and AlertOperations run on the io_context thread (no locks needed). Store
// reads block, so they run through `offload` (a small thread pool) and their answers come back
// through `post`; `respond` is always called exactly once, on the io_context thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/alert_json.h"
#include "alerts/alert_operations.h"
#include "daemon/http/api_auth.h"

namespace casewatch {

class SqliteAlertStore;

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

struct ApiRouterOptions {
  AlertOperations* ops = nullptr;
  SqliteAlertStore* store = nullptr;  // alert history, resolved alerts and dead letters
  const ApiAuth* auth = nullptr;
  std::function<TimeMs()> now;  // the daemon's clock (event time in replay): silence start, status
  AlertJsonOptions json;
  TaskRunner offload;  // runs blocking work (store reads) off the io_context thread
  TaskRunner post;     // runs a task on the io_context thread
};

class ApiRouter {
 public:
  explicit ApiRouter(ApiRouterOptions options);

  // io_context thread. Calls `respond` exactly once (maybe later, after a store read).
  void handle(const ApiRequest& request, ApiResponder respond);

  // An alert change as one Server-Sent Events message for GET /api/v1/events.
  std::string eventMessage(const AlertChange& change, uint64_t sequence) const;

 private:
  struct Context;
  void route(Context& ctx);
  void listAlerts(Context& ctx);
  void getAlert(Context& ctx, const std::string& id);
  void alertAction(Context& ctx, const std::string& id, std::string_view action);
  void listSilences(Context& ctx);
  void addSilence(Context& ctx);
  void expireSilence(Context& ctx, const std::string& id);
  void ledger(Context& ctx);
  void deadLetters(Context& ctx);

  ApiRouterOptions options_;
};

// Helpers shared with the server and tests.
std::string jsonError(std::string_view message);
// Percent-decodes (and '+' -> ' ' when `plus_is_space`); false on a bad escape.
bool percentDecode(std::string_view in, bool plus_is_space, std::string& out);

}  // namespace casewatch
