#include "tools/client/api_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "base/str_cat.h"

namespace casewatch::client {

absl::StatusOr<ApiEndpoint> parseApiUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError(strCat(
        "--url: expected http://host:port (https is not supported; use a local proxy), got ", url));
  }
  std::string_view rest = url.substr(kScheme.size());
  ApiEndpoint e;
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    e.base_path = std::string(rest.substr(slash));
    while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
  }
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return absl::InvalidArgumentError("--url: unclosed [ in the host");
    e.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (authority.front() != ':')
        return absl::InvalidArgumentError("--url: expected :port after ]");
      e.port = std::string(authority.substr(1));
    }
  } else {
    const size_t colon = authority.rfind(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) e.port = std::string(authority.substr(colon + 1));
  }
  if (e.host.empty()) return absl::InvalidArgumentError(strCat("--url: no host in ", url));
  if (e.port.empty() || e.port.find_first_not_of("0123456789") != std::string::npos ||
      std::atoi(e.port.c_str()) < 1 || std::atoi(e.port.c_str()) > 65535) {
    return absl::InvalidArgumentError(strCat("--url: bad port in ", url));
  }
  return e;
}

std::string urlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

absl::StatusOr<ApiReply> ApiClient::request(std::string_view method, std::string_view path,
                                            std::string_view body) {
  const std::string where = strCat(endpoint_.host, ":", endpoint_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(endpoint_.host.c_str(), endpoint_.port.c_str(), &hints, &found);
      rc != 0) {
    return absl::UnavailableError(
        strCat("cannot resolve ", endpoint_.host, ": ", gai_strerror(rc)));
  }
  int fd = -1;
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{timeout_, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    last_error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return absl::UnavailableError(strCat("cannot connect to casewatchd at ", where, ": ",
                                         last_error, " (is it running? is http.listen set?)"));
  }
  Fd socket(fd);
  std::string req = strCat(method, " ", endpoint_.base_path, path, " HTTP/1.1\r\nHost: ", where,
                           "\r\nUser-Agent: casewatch/", CASEWATCH_VERSION,
                           "\r\nAccept: application/json\r\nConnection: close\r\n");
  if (!token_.empty()) strAppend(req, "Authorization: Bearer ", token_, "\r\n");
  if (!body.empty() || method == "POST") {
    strAppend(req, "Content-Type: application/json\r\nContent-Length: ", body.size(), "\r\n");
  }
  strAppend(req, "\r\n", body);
  for (size_t sent = 0; sent < req.size();) {
    const ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return absl::UnavailableError(strCat("sending to ", where, ": ", std::strerror(errno)));
    sent += static_cast<size_t>(n);
  }
  std::string in;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(strCat("reading from ", where, ": ", std::strerror(errno)));
    }
    in.append(chunk, static_cast<size_t>(n));
  }
  const size_t head_end = in.find("\r\n\r\n");
  if (in.size() < 12 || in.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) {
    return absl::UnavailableError(strCat("no HTTP answer from ", where));
  }
  ApiReply reply;
  reply.status = std::atoi(in.substr(9, 3).c_str());
  std::string head = in.substr(0, head_end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  reply.body = in.substr(head_end + 4);
  if (const size_t cl = head.find("\r\ncontent-length:"); cl != std::string::npos) {
    const size_t length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
    if (reply.body.size() < length)
      return absl::UnavailableError(strCat("answer from ", where, " cut short"));
    reply.body.resize(length);
  }
  return reply;
}

}  // namespace casewatch::client
