// The HTTP API v1 (shared/contracts/alerts.md, "HTTP API, version 1") as plain request -> response
// logic, with no HTTP library in sight: the server (http_server.h) parses the wire format and hands
// each request here. Routing, authentication, validation of parameters and bodies, and the JSON of
// every answer live here; the alerts themselves are reached through AlertOperations and the store.
// Where each part lives: api_request.h (reading a request, writing an answer), api_routes.cc (the
// route table: path and method, then who may call it), and one file of handlers per resource
// (alert_handlers.cc, silence_handlers.cc, ledger_handler.cc, dead_letters_handler.cc,
// stream_handler.cc, service_handlers.cc, console_handler.cc).
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

#include "alerts/alert_json.h"
#include "alerts/alert_operations.h"
#include "daemon/health/readiness.h"
#include "daemon/http/api_auth.h"
#include "daemon/http/api_request.h"

namespace casewatch {

class AlertStore;

struct ApiRouterOptions {
  AlertOperations* ops = nullptr;
  AlertStore* store = nullptr;  // alert history, resolved alerts and dead letters
  const ApiAuth* auth = nullptr;
  std::function<TimeMs()> now;  // the daemon's clock (event time in replay): silence start, status
  AlertJsonOptions json;
  TaskRunner offload;  // runs blocking work (store reads) off the io_context thread
  TaskRunner post;     // runs a task on the io_context thread
  // GET /readyz: the daemon's readiness as last assessed (io_context thread; must not block).
  // Null: always ready.
  std::function<Readiness()> readiness;
};

class ApiRouter {
 public:
  explicit ApiRouter(ApiRouterOptions options);

  // io_context thread. Calls `respond` exactly once (maybe later, after a store read).
  void handle(const ApiRequest& request, ApiResponder respond);
  // io_context thread, on a request's headers (no body yet): decides what needs no body — an
  // unknown route (404), a wrong method (405), a missing or unknown token (401), a role without
  // the right (403) — and answers it through `respond` (returning false); true: read the body,
  // then handle(). So a refused caller's body is never read.
  bool admit(const ApiRequest& head, ApiResponder respond);

  // io_context thread: a reload's locale and time zone for the alerts' JSON (handlers copy the
  // options before any work they offload, so this never races a store read).
  void setJsonOptions(AlertJsonOptions json) { options_.json = std::move(json); }

  // An alert change as one Server-Sent Events message for GET /api/v1/events.
  std::string eventMessage(const AlertChange& change, uint64_t sequence) const;

 private:
  // The route table (api_routes.cc): picks the handler, after the method and the caller's rights.
  void route(ApiContext& ctx);
  // service_handlers.cc
  void healthz(ApiContext& ctx);
  void readyz(ApiContext& ctx);
  void whoami(ApiContext& ctx);
  // components_handler.cc
  void components(ApiContext& ctx);
  // models_handler.cc
  void models(ApiContext& ctx);
  // console_handler.cc
  void console(ApiContext& ctx);
  // alert_handlers.cc
  void listAlerts(ApiContext& ctx);
  void getAlert(ApiContext& ctx, const std::string& id);
  void alertAction(ApiContext& ctx, const std::string& id, std::string_view action);
  // silence_handlers.cc
  void listSilences(ApiContext& ctx);
  void addSilence(ApiContext& ctx);
  void expireSilence(ApiContext& ctx, const std::string& id);
  // ledger_handler.cc
  void ledger(ApiContext& ctx);
  void digest(ApiContext& ctx);
  // dead_letters_handler.cc
  void deadLetters(ApiContext& ctx);
  // stream_handler.cc
  void openEventStream(ApiContext& ctx);

  ApiRouterOptions options_;
};

}  // namespace casewatch
