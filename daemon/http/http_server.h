// The daemon's HTTP/1.1 server (Boost.Beast): the HTTP API v1 (api_router.h), the duty console
// (web_assets.h) and the live stream of alert changes (GET /api/v1/events, Server-Sent Events).
//
// It runs on the App's io_context: request handling and AlertOperations calls happen on the thread
// that owns all state, so no locks. Store reads (alert history, resolved alerts, dead letters) run
// on a small thread pool owned here, with their answers posted back. Connections are kept alive;
// request bodies are limited (413 above http.max_body_bytes); an idle connection is closed after
// http.idle_timeout_seconds, one whose headers take longer than http.header_timeout_seconds too.
// Bad input is answered (400/413/431), never thrown.
//
// Limits, so that one client cannot starve the others (http_config.h): connections in all and per
// remote address, event streams in all and per address (429 above). A connection over a connection
// cap gets one of a few probe slots (two per address) that answer only GET /healthz and /readyz
// (503 otherwise), or is closed when none is left. The route, token and role are decided on the
// headers (ApiRouter::admit): a refused request's body is never read.
//
// Lifetime: start() binds; stop() (on the io_context thread; also run by the destructor) closes
// the listener and every connection, and waits for store reads in flight, so it must run before
// the store closes. Beast is confined to http_server.cc (it compiles slowly).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "alerts/alert_json.h"
#include "alerts/alert_operations.h"
#include "alerts/sinks/sink.h"
#include "daemon/daemon_config.h"
#include "daemon/health/readiness.h"
#include "daemon/http/api_auth.h"

namespace boost::asio {
class io_context;
}
namespace prometheus {
class Registry;
}

namespace casewatch {

class AlertStore;

struct HttpServerOptions {
  std::string listen = "127.0.0.1:9470";  // host:port; port 0 = any free port
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds header_timeout{10};  // first byte to the end of the headers
  size_t max_connections = 1024;
  size_t max_connections_per_client = 32;  // by remote address
  size_t max_event_streams = 64;
  size_t max_event_streams_per_client = 4;
  AlertJsonOptions json;
  std::function<TimeMs()> now;                     // the daemon's clock
  std::shared_ptr<prometheus::Registry> registry;  // null: no metrics
  size_t store_threads = 2;
  std::function<Readiness()> readiness;  // GET /readyz (io_context thread); null: always ready
};

class HttpServer {
 public:
  // Binds and starts accepting. Errors name the key (http.listen). `ops` and `store` must outlive
  // the server (or its stop()).
  static absl::StatusOr<std::unique_ptr<HttpServer>> start(boost::asio::io_context& io,
                                                           HttpServerOptions options,
                                                           AlertOperations& ops, AlertStore& store,
                                                           ApiAuth auth);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  // io_context thread. Idempotent.
  void stop();
  // io_context thread: a reload's tokens and alert JSON options. Requests already routed finish
  // under the old tokens; open event streams stay open (their caller was let in).
  void reconfigure(ApiAuth auth, AlertJsonOptions json);
  // io_context thread: sends an alert change to every open event stream.
  void publish(const AlertChange& change);
  // A Sink named "sse" that publish()es each change (a no-op once the server is gone), for the
  // App's sink list: the console then sees exactly what is published, after it is recorded.
  std::unique_ptr<Sink> eventSink();
  size_t eventStreamsForTest() const;

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// The API tokens from the configuration (auth.*, demo; token files read now), with a warning
// for demo tokens or none. Start-up and reload; errors name the key.
absl::StatusOr<ApiAuth> apiAuthFromConfig(const Config& config);

// The daemon's server from its configuration (http.*, auth.*, demo): builds the tokens (reading
// token files), logs where it listens, and warns loudly about demo tokens or about having none.
// Returns null (OK) when http.listen is "". Start-up only; errors name the key.
absl::StatusOr<std::unique_ptr<HttpServer>> startHttpServer(
    boost::asio::io_context& io, const Config& config, AlertOperations& ops, AlertStore& store,
    std::shared_ptr<prometheus::Registry> registry, std::function<TimeMs()> now,
    std::function<Readiness()> readiness);

}  // namespace casewatch
