// The only translation unit that includes Boost.Beast.
#include "alerts/sinks/alertmanager/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "base/str_cat.h"

namespace casewatch {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

absl::StatusOr<HttpUrl> HttpUrl::parse(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError(strCat("not an http:// URL: ", url));
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  HttpUrl u;
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    u.path_prefix = std::string(path);
  }
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return absl::InvalidArgumentError(strCat("bad host in ", url));
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        return absl::InvalidArgumentError(strCat("bad port in ", url));
      u.port = std::string(authority.substr(close + 2));
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    u.port = std::string(authority.substr(colon + 1));
  }
  if (host.empty() || u.port.empty())
    return absl::InvalidArgumentError(strCat("bad host or port in ", url));
  u.host = std::string(host);
  return u;
}

struct HttpClient::Impl {
  boost::asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;

  // Runs the io_context until the operation started by `start` completes (the stream's expiry
  // bounds it: on timeout Beast closes the socket and the operation ends with an error).
  template <typename Start>
  boost::system::error_code run(Start&& start) {
    boost::system::error_code result = boost::asio::error::would_block;
    start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void close() {
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    connected = false;
  }
};

HttpClient::HttpClient(HttpUrl url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() {
  if (impl_->connected) impl_->close();
}

absl::StatusOr<HttpClient::Response> HttpClient::post(std::string_view path,
                                                      const std::string& body,
                                                      std::string_view content_type) {
  Impl& s = *impl_;
  http::request<http::string_body> req{http::verb::post, strCat(url_.path_prefix, path), 11};
  req.set(http::field::host, strCat(url_.host, ":", url_.port));
  req.set(http::field::user_agent, "casewatch");
  req.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();

  // A kept-alive connection may have been closed by the peer meanwhile: one fresh retry.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = s.connected;
    if (!s.connected) {
      tcp::resolver resolver(s.ioc);
      boost::system::error_code ec;
      const auto endpoints = resolver.resolve(url_.host, url_.port, ec);
      if (ec) return absl::UnavailableError(strCat("resolve ", url_.host, ": ", ec.message()));
      s.stream.expires_after(timeout_);
      ec = s.run([&](auto handler) { s.stream.async_connect(endpoints, std::move(handler)); });
      if (ec) {
        s.close();
        return absl::UnavailableError(
            strCat("connect ", url_.host, ":", url_.port, ": ", ec.message()));
      }
      s.connected = true;
    }
    s.stream.expires_after(timeout_);
    boost::system::error_code ec =
        s.run([&](auto handler) { http::async_write(s.stream, req, std::move(handler)); });
    http::response<http::string_body> res;
    if (!ec) {
      ec = s.run(
          [&](auto handler) { http::async_read(s.stream, s.buffer, res, std::move(handler)); });
    }
    if (ec) {
      s.close();
      if (reused && ec != beast::error::timeout) continue;
      return absl::UnavailableError(
          strCat("POST ", url_.host, ":", url_.port,
                 std::string_view(req.target().data(), req.target().size()), ": ", ec.message()));
    }
    if (!res.keep_alive()) s.close();
    return Response{static_cast<int>(res.result_int()), std::move(res.body())};
  }
  return absl::UnavailableError(strCat("POST ", url_.host, ":", url_.port, ": connection lost"));
}

}  // namespace casewatch
