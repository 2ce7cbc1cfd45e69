// A deliberately small HTTP/1.1 client over POSIX sockets for the server's tests: it sends exactly
// the bytes a test writes (so malformed requests can be sent too) and parses what comes back,
// without sharing any code with the server under test. Every socket has a receive timeout, so a
// server that never answers fails the test instead of hanging it.
//
// Header-only; one client per thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace casewatch::testing {

struct HttpReply {
  int status = 0;                              // 0: no (complete) answer
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpTestConnection {
 public:
  // `source`: the local address to connect from (another 127.x address is another client to the
  // server's per-address limits); null = the kernel's choice (127.0.0.1).
  explicit HttpTestConnection(uint16_t port, int timeout_seconds = 20,
                              const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (source != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        throw std::runtime_error("cannot bind the test client to its source address");
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("cannot connect to the server under test");
    }
  }
  ~HttpTestConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  HttpTestConnection(const HttpTestConnection&) = delete;
  HttpTestConnection& operator=(const HttpTestConnection&) = delete;

  bool sendRaw(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads one response (headers, then Content-Length bytes of body, or to EOF without one).
  HttpReply readReply() {
    HttpReply r;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return r;
    }
    const std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return r;
    r.status = std::atoi(status_line.substr(9, 3).c_str());
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line =
          head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    if (r.status == 100) return readReply();
    if (r.headers.count("content-length")) {
      const size_t length = std::stoul(r.headers["content-length"]);
      while (buffer_.size() < length) {
        if (!fill()) {
          r.status = 0;
          return r;
        }
      }
      r.body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    } else {
      while (fill()) {
      }
      r.body = std::move(buffer_);
      buffer_.clear();
    }
    return r;
  }

  // Reads until `needle` has arrived (true) or the connection ends or times out (false).
  bool readUntil(const std::string& needle) {
    while (received_.find(needle) == std::string::npos) {
      if (!fill()) return false;
    }
    return true;
  }
  const std::string& received() const { return received_; }

  // True when the server has closed the connection (reads EOF).
  bool closedByPeer() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    received_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  std::string received_;
};

inline std::string buildRequest(const std::string& method, const std::string& target,
                                const std::string& token = "", const std::string& body = "",
                                bool keep_alive = false, const std::string& extra_headers = "") {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (!keep_alive) req += "Connection: close\r\n";
  req += extra_headers;
  req += "\r\n";
  req += body;
  return req;
}

// One request on its own connection.
inline HttpReply httpRequest(uint16_t port, const std::string& method, const std::string& target,
                             const std::string& token = "", const std::string& body = "",
                             const std::string& extra_headers = "") {
  HttpTestConnection c(port);
  if (!c.sendRaw(buildRequest(method, target, token, body, false, extra_headers))) return {};
  return c.readReply();
}

}  // namespace casewatch::testing
