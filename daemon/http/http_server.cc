#include "daemon/http/http_server.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <map>
#include <optional>

#include "base/str_cat.h"
#include "daemon/http/api_router.h"
#include "daemon/store/alert_store.h"

namespace casewatch {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr uint32_t kHeaderLimit = 16 * 1024;
// Connections over http.max_connections or http.max_connections_per_client still get an answer to
// GET /healthz and /readyz (and 503 for anything else) in one of these slots, so that one client
// holding every connection does not make the daemon look dead to its supervisor.
constexpr size_t kProbeSlots = 16;
constexpr size_t kProbeSlotsPerClient = 2;
constexpr size_t kMaxQueuedEvents = 4096;  // per event stream; a client this far behind is dropped
constexpr auto kEventWriteTimeout = std::chrono::seconds(30);
constexpr auto kHeartbeat = std::chrono::seconds(15);
constexpr auto kLingerTimeout = std::chrono::seconds(5);
constexpr size_t kMaxLingerBytes = 4 * 1024 * 1024;

class Session;

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io_, HttpServerOptions options_, ApiAuth auth_)
      : io(io_),
        options(std::move(options_)),
        auth(std::move(auth_)),
        acceptor(io_),
        retry_timer(io_),
        heartbeat_timer(io_),
        pool(options.store_threads) {}

  void accept();
  void admitConnection(tcp::socket socket);
  // A session ended: its slot, its client's count and its event stream are free again.
  void release(const std::string& client, bool probe, bool stream);
  // An event stream for `client`, within http.max_event_streams(_per_client)? Takes the slot.
  bool takeStream(const std::string& client);
  void heartbeat();
  void count(std::string_view route, int status);
  void publish(const AlertChange& change);
  void stop();

  asio::io_context& io;
  HttpServerOptions options;
  ApiAuth auth;
  std::optional<ApiRouter> router;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  asio::steady_timer heartbeat_timer;
  asio::thread_pool pool;
  uint16_t port = 0;
  bool stopped = false;
  std::vector<std::weak_ptr<Session>> sessions;
  std::vector<std::weak_ptr<Session>> streams;
  uint64_t event_sequence = 0;
  // Open sessions by remote address (normal, probe-only) and open event streams; entries at 0 are
  // erased, so the maps hold only clients with something open.
  size_t connections = 0, probes = 0, open_streams = 0;
  std::map<std::string, size_t> connections_by_client, probes_by_client, streams_by_client;

  // Metrics (null without a registry); handles resolved once per (route, code).
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  std::map<std::pair<std::string_view, int>, prometheus::Counter*> request_counters;
  prometheus::Gauge* streams_open = nullptr;
  prometheus::Counter* streams_dropped = nullptr;
  prometheus::Counter* over_cap_probe = nullptr;   // given a probe slot
  prometheus::Counter* over_cap_closed = nullptr;  // closed at once
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::weak_ptr<HttpServer::Impl> server, std::string client,
          bool probe_only, const HttpServerOptions& o)
      : stream_(std::move(socket)),
        idle_timer_(stream_.get_executor()),
        server_(std::move(server)),
        client_(std::move(client)),
        probe_only_(probe_only),
        max_body_(o.max_body_bytes),
        // A probe-only session gets no idle time: it answers one request and goes.
        idle_(probe_only ? o.header_timeout : o.idle_timeout),
        header_timeout_(o.header_timeout) {}

  void run() { readHeader(); }

  void close() {
    if (closed_) return;
    closed_ = true;
    idle_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  bool streaming() const { return streaming_; }

  void sendEvent(const std::shared_ptr<const std::string>& message) {
    if (closed_ || !streaming_) return;
    if (queue_.size() >= kMaxQueuedEvents) {
      spdlog::warn("HTTP event stream dropped: the client fell {} changes behind.", queue_.size());
      if (auto s = server_.lock(); s && s->streams_dropped) s->streams_dropped->Increment();
      close();
      return;
    }
    queue_.push_back(message);
    if (!writing_) writeNext();
  }

 private:
  // Waits up to the idle timeout for the next request's first byte, then gives its headers
  // http.header_timeout_seconds: an idle keep-alive connection may wait long, a client trickling
  // its headers may not.
  void readHeader() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(kHeaderLimit);
    if (buffer_.size() > 0) return readHeaderNow();  // a pipelined request is already here
    idle_timer_.expires_after(idle_);
    idle_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->close();
    });
    stream_.socket().async_wait(tcp::socket::wait_read,
                                [self = shared_from_this()](beast::error_code ec) {
                                  self->idle_timer_.cancel();
                                  if (ec || self->closed_) return self->close();
                                  self->readHeaderNow();
                                });
  }

  void readHeaderNow() {
    stream_.expires_after(header_timeout_);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    if (ec) return readFailed(ec);
    auto server = server_.lock();
    if (!server || server->stopped) return close();
    auto& req = parser_->get();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    ApiRequest head;
    head.method = std::string(req.method_string());
    head.target = std::string(req.target());
    head.authorization = std::string(req[http::field::authorization]);
    method_ = head.method;
    target_ = head.target;
    // A refusal leaves the body unread: the connection then ends after the answer.
    auto refuse = [self = shared_from_this()](ApiResponse r) {
      if (!self->parser_->is_done()) self->keep_alive_ = false;
      self->respond(std::move(r));
    };
    if (probe_only_) {
      keep_alive_ = false;
      const std::string_view path = std::string_view(target_).substr(0, target_.find('?'));
      if (head.method != "GET" || (path != "/healthz" && path != "/readyz")) {
        return refuse(plain(503, jsonError("too many connections (from this address, or in all); "
                                           "only GET /healthz and /readyz are answered now")));
      }
    }
    // The token and role are checked on the headers, before any body is read.
    if (!server->router->admit(head, refuse)) return;
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // curl and others wait for this before sending a larger body.
      auto cont =
          std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code e, size_t) {
                          if (e) return self->close();
                          self->readBody();
                        });
      return;
    }
    readBody();
  }

  void readBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void readFailed(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::eof ||
        ec == asio::error::connection_reset || closed_) {
      return close();
    }
    keep_alive_ = false;
    if (ec == http::error::body_limit) {
      return respond(plain(413, jsonError(strCat("body: larger than ", max_body_, " bytes"))));
    }
    if (ec == http::error::header_limit) {
      return respond(
          plain(431, jsonError(strCat("headers: larger than ", kHeaderLimit, " bytes"))));
    }
    respond(plain(400, jsonError(strCat("malformed HTTP request: ", ec.message()))));
  }

  static ApiResponse plain(int status, std::string body) {
    ApiResponse r;
    r.status = status;
    r.body = std::move(body);
    r.route = "unknown";
    return r;
  }

  void onRead(beast::error_code ec) {
    if (ec) return readFailed(ec);
    auto server = server_.lock();
    if (!server || server->stopped) return close();
    auto& req = parser_->get();
    ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.authorization = std::string(req[http::field::authorization]);
    request.body = std::move(req.body());
    keep_alive_ = req.keep_alive() && !probe_only_;
    method_ = request.method;
    target_ = request.target;
    server->router->handle(
        request, [self = shared_from_this()](ApiResponse r) { self->respond(std::move(r)); });
  }

  void respond(ApiResponse r) {
    if (closed_) return;
    auto server = server_.lock();
    if (r.event_stream && (!server || !server->takeStream(client_))) {
      ApiResponse refused =
          plain(429, jsonError("too many event streams (from this address, or in all); "
                               "close one, or try again later"));
      refused.route = r.route;
      refused.headers.emplace_back("Retry-After", "30");
      r = std::move(refused);
    }
    if (server) server->count(r.route, r.status);
    spdlog::debug("HTTP {} {} -> {}", method_, target_, r.status);
    if (r.event_stream) return startStream(std::move(r));
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version_);
    res->set(http::field::server, "casewatch");
    res->set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive_);
    res->body() = std::move(r.body);
    res->prepare_payload();
    stream_.expires_after(idle_);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec) return self->close();
                        if (res->need_eof()) return self->finish();
                        self->readHeader();
                      });
  }

  // Ends the connection after a response without losing it: closing with unread request bytes
  // (an oversized body we refused) would reset the connection, and the client could lose the
  // answer. So: shut down our side, then read and discard until the client closes.
  void finish() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    drain();
  }

  void drain() {
    stream_.expires_after(kLingerTimeout);
    auto chunk = std::make_shared<std::array<char, 8192>>();
    stream_.async_read_some(asio::buffer(*chunk),
                            [self = shared_from_this(), chunk](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxLingerBytes) return self->close();
                              self->drain();
                            });
  }

  void startStream(ApiResponse r) {
    auto server = server_.lock();
    if (!server) return close();
    streaming_ = true;
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: casewatch\r\nContent-Type: text/event-stream\r\n";
    for (const auto& [name, value] : r.headers) strAppend(head, name, ": ", value, "\r\n");
    // No length and no chunking: the stream ends when the connection does.
    strAppend(head, "Connection: close\r\n\r\n", r.body);
    server->streams.push_back(weak_from_this());
    if (server->streams_open) server->streams_open->Increment();
    counted_stream_ = true;  // its slot was taken in respond()
    sendEvent(std::make_shared<const std::string>(std::move(head)));
    // The client sends nothing more: readable means it closed (or misbehaves); either way, end.
    stream_.socket().async_wait(tcp::socket::wait_read,
                                [self = shared_from_this()](beast::error_code) { self->close(); });
  }

  void writeNext() {
    writing_ = true;
    stream_.expires_after(kEventWriteTimeout);
    asio::async_write(stream_, asio::buffer(*queue_.front()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->queue_.pop_front();
                        self->writing_ = false;
                        if (ec) return self->close();
                        if (!self->queue_.empty()) self->writeNext();
                      });
  }

 public:
  ~Session() {
    auto server = server_.lock();
    if (!server) return;
    server->release(client_, probe_only_, counted_stream_);
    if (counted_stream_ && server->streams_open) server->streams_open->Decrement();
  }

 private:
  beast::tcp_stream stream_;
  asio::steady_timer idle_timer_;  // between requests (tcp_stream's own timer covers the reads)
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::weak_ptr<HttpServer::Impl> server_;
  const std::string client_;  // remote address, for the per-client caps
  const bool probe_only_;     // over a connection cap: answers /healthz and /readyz only
  size_t max_body_;
  std::chrono::seconds idle_;
  std::chrono::seconds header_timeout_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool closed_ = false;
  bool streaming_ = false;
  bool counted_stream_ = false;
  bool writing_ = false;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::string method_, target_;
  size_t drained_ = 0;
};

class EventSink final : public Sink {
 public:
  explicit EventSink(std::weak_ptr<HttpServer::Impl> server) : server_(std::move(server)) {}
  std::string_view name() const override { return "sse"; }
  SinkOutcome deliver(const AlertChange& change) override;

 private:
  std::weak_ptr<HttpServer::Impl> server_;
};

template <typename T>
void prune(std::vector<std::weak_ptr<T>>& v) {
  std::erase_if(v, [](const std::weak_ptr<T>& w) { return w.expired(); });
}

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, most likely: back off a little instead of spinning.
      spdlog::warn("HTTP accept failed: {}; retrying.", ec.message());
      self->retry_timer.expires_after(std::chrono::milliseconds(100));
      self->retry_timer.async_wait([self](beast::error_code e) {
        if (!e && !self->stopped) self->accept();
      });
      return;
    }
    self->admitConnection(std::move(socket));
    self->accept();
  });
}

void HttpServer::Impl::admitConnection(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string client = remote.address().to_string();
  prune(sessions);
  const size_t mine = connections_by_client.count(client) ? connections_by_client[client] : 0;
  const bool over =
      connections >= options.max_connections || mine >= options.max_connections_per_client;
  bool probe = false;
  if (over) {
    const size_t my_probes = probes_by_client.count(client) ? probes_by_client[client] : 0;
    if (probes >= kProbeSlots || my_probes >= kProbeSlotsPerClient) {
      if (over_cap_closed) over_cap_closed->Increment();
      socket.close(ec);
      return;
    }
    if (over_cap_probe) over_cap_probe->Increment();
    probe = true;
    ++probes;
    ++probes_by_client[client];
  } else {
    ++connections;
    ++connections_by_client[client];
  }
  auto session = std::make_shared<Session>(std::move(socket), shared_from_this(), std::move(client),
                                           probe, options);
  sessions.push_back(session);
  session->run();
}

namespace {

void decrement(std::map<std::string, size_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  if (it == counts.end()) return;
  if (--it->second == 0) counts.erase(it);
}

}  // namespace

void HttpServer::Impl::release(const std::string& client, bool probe, bool stream) {
  if (probe) {
    --probes;
    decrement(probes_by_client, client);
  } else {
    --connections;
    decrement(connections_by_client, client);
  }
  if (stream) {
    --open_streams;
    decrement(streams_by_client, client);
  }
}

bool HttpServer::Impl::takeStream(const std::string& client) {
  auto it = streams_by_client.find(client);
  const size_t mine = it == streams_by_client.end() ? 0 : it->second;
  if (open_streams >= options.max_event_streams || mine >= options.max_event_streams_per_client) {
    return false;
  }
  ++open_streams;
  ++streams_by_client[client];
  return true;
}

void HttpServer::Impl::heartbeat() {
  heartbeat_timer.expires_after(kHeartbeat);
  heartbeat_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->stopped) return;
    prune(self->streams);
    if (!self->streams.empty()) {
      // Keeps proxies from timing the stream out, and finds clients that went away.
      auto ping = std::make_shared<const std::string>(": ping\n\n");
      for (auto& w : self->streams) {
        if (auto s = w.lock()) s->sendEvent(ping);
      }
    }
    self->heartbeat();
  });
}

void HttpServer::Impl::count(std::string_view route, int status) {
  if (requests == nullptr) return;
  auto key = std::make_pair(route, status);
  auto it = request_counters.find(key);
  if (it == request_counters.end()) {
    auto& c = requests->Add({{"route", std::string(route)}, {"code", std::to_string(status)}});
    it = request_counters.emplace(key, &c).first;
  }
  it->second->Increment();
}

void HttpServer::Impl::stop() {
  if (stopped) return;
  stopped = true;
  beast::error_code ec;
  acceptor.close(ec);
  retry_timer.cancel();
  heartbeat_timer.cancel();
  for (auto& w : sessions) {
    if (auto s = w.lock()) s->close();
  }
  sessions.clear();
  streams.clear();
  // Store reads in flight finish before the store may close; their answers find closed sessions.
  pool.join();
}

SinkOutcome EventSink::deliver(const AlertChange& change) {
  if (auto server = server_.lock()) server->publish(change);
  return SinkOutcome::kDelivered;
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->stop();
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::start(asio::io_context& io,
                                                              HttpServerOptions options,
                                                              AlertOperations& ops,
                                                              AlertStore& store, ApiAuth auth) {
  const std::string listen = options.listen;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(strCat("http.listen: expected host:port, got ", listen));
  }
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);

  auto impl = std::make_shared<Impl>(io, std::move(options), std::move(auth));
  Impl* raw = impl.get();
  ApiRouterOptions ro;
  ro.ops = &ops;
  ro.store = &store;
  ro.auth = &raw->auth;
  ro.now = raw->options.now;
  ro.json = raw->options.json;
  ro.readiness = raw->options.readiness;
  ro.offload = [raw](std::function<void()> task) { asio::post(raw->pool, std::move(task)); };
  ro.post = [&io](std::function<void()> task) { asio::post(io, std::move(task)); };
  raw->router.emplace(std::move(ro));

  beast::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(
        strCat("http.listen: cannot resolve ", listen, ": ", ec ? ec.message() : "no address"));
  }
  const tcp::endpoint endpoint = *endpoints.begin();
  raw->acceptor.open(endpoint.protocol(), ec);
  if (!ec) raw->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) raw->acceptor.bind(endpoint, ec);
  if (!ec) raw->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        strCat("http.listen: cannot listen on ", listen, ": ", ec.message()));
  }
  raw->port = raw->acceptor.local_endpoint(ec).port();

  if (raw->options.registry) {
    auto& reg = *raw->options.registry;
    raw->requests = &prometheus::BuildCounter()
                         .Name("casewatch_http_requests_total")
                         .Help("HTTP API requests answered, by route and status code")
                         .Register(reg);
    raw->streams_open = &prometheus::BuildGauge()
                             .Name("casewatch_http_event_streams")
                             .Help("Open GET /api/v1/events streams (duty consoles watching)")
                             .Register(reg)
                             .Add({});
    raw->streams_dropped = &prometheus::BuildCounter()
                                .Name("casewatch_http_event_streams_dropped_total")
                                .Help("Event streams closed because the client fell too far behind")
                                .Register(reg)
                                .Add({});
    auto& over_cap = prometheus::BuildCounter()
                         .Name("casewatch_http_connections_over_cap_total")
                         .Help(
                             "Connections over http.max_connections or "
                             "http.max_connections_per_client: outcome=probe_slot (answered "
                             "for /healthz and /readyz only), outcome=closed (no slot left)")
                         .Register(reg);
    raw->over_cap_probe = &over_cap.Add({{"outcome", "probe_slot"}});
    raw->over_cap_closed = &over_cap.Add({{"outcome", "closed"}});
  }
  raw->accept();
  raw->heartbeat();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

void HttpServer::stop() {
  impl_->stop();
}

void HttpServer::publish(const AlertChange& change) {
  impl_->publish(change);
}

void HttpServer::Impl::publish(const AlertChange& change) {
  prune(streams);
  if (streams.empty() || stopped) return;
  auto message =
      std::make_shared<const std::string>(router->eventMessage(change, ++event_sequence));
  for (auto& w : streams) {
    if (auto session = w.lock()) session->sendEvent(message);
  }
}

std::unique_ptr<Sink> HttpServer::eventSink() {
  return std::make_unique<EventSink>(impl_);
}

void HttpServer::reconfigure(ApiAuth auth, AlertJsonOptions json) {
  impl_->auth = std::move(auth);  // the router holds a pointer to this member, not a copy
  impl_->router->setJsonOptions(std::move(json));
}

size_t HttpServer::eventStreamsForTest() const {
  size_t n = 0;
  for (auto& w : impl_->streams) {
    if (auto s = w.lock(); s && s->streaming()) ++n;
  }
  return n;
}

absl::StatusOr<ApiAuth> apiAuthFromConfig(const Config& config) {
  auto auth = ApiAuth::fromConfig(config.auth, config.demo);
  if (!auth.ok()) return auth.status();
  if (auth->usingDemoTokens()) {
    std::string tokens;
    for (const ApiToken& t : ApiAuth::demoTokens()) {
      strAppend(tokens, tokens.empty() ? "" : ", ", t.secret, " (", apiRoleName(t.role), ")");
    }
    spdlog::warn(
        "DEMO MODE: the HTTP API accepts the public demo tokens {}. Anyone who can reach "
        "http.listen can acknowledge and silence alerts. Configure auth.tokens for real use.",
        tokens);
  } else if (auth->size() == 0) {
    spdlog::warn(
        "auth.tokens is empty: every authenticated route of the HTTP API answers 401 "
        "(the console page loads but can show nothing). Configure auth.tokens.");
  } else {
    spdlog::info("HTTP API: {} token(s) configured.", auth->size());
  }
  return auth;
}

absl::StatusOr<std::unique_ptr<HttpServer>> startHttpServer(
    asio::io_context& io, const Config& config, AlertOperations& ops, AlertStore& store,
    std::shared_ptr<prometheus::Registry> registry, std::function<TimeMs()> now,
    std::function<Readiness()> readiness) {
  if (config.http.listen.empty()) {
    spdlog::info("HTTP API and duty console off (http.listen is empty).");
    return std::unique_ptr<HttpServer>();
  }
  auto auth = apiAuthFromConfig(config);
  if (!auth.ok()) return auth.status();
  HttpServerOptions o;
  o.listen = config.http.listen;
  o.max_body_bytes = config.http.max_body_bytes;
  o.idle_timeout = std::chrono::seconds(config.http.idle_timeout_seconds);
  o.header_timeout = std::chrono::seconds(config.http.header_timeout_seconds);
  o.max_connections = config.http.max_connections;
  o.max_connections_per_client = config.http.max_connections_per_client;
  o.max_event_streams = config.http.max_event_streams;
  o.max_event_streams_per_client = config.http.max_event_streams_per_client;
  o.json =
      AlertJsonOptions{std::string(localeName(config.locale)), config.clocks.utc_offset_minutes};
  o.now = std::move(now);
  o.registry = std::move(registry);
  o.readiness = std::move(readiness);
  auto server = HttpServer::start(io, std::move(o), ops, store, std::move(*auth));
  if (!server.ok()) return server.status();
  std::string host = config.http.listen.substr(0, config.http.listen.rfind(':'));
  spdlog::info("HTTP API and duty console on http://{}:{}/ (port {}).", host, (*server)->port(),
               (*server)->port());
  return server;
}

}  // namespace casewatch
