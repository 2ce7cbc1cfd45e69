// A fake Alertmanager for the sink's tests: an HTTP/1.1 server on 127.0.0.1 (port 0) on its own
// thread that keeps every POST body and answers with the status the test sets (503 to play a
// node that is down). Keep-alive, one connection at a time — all the sink needs.
//
// Header-only; the accessors lock.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace casewatch::testing {

class FakeAlertmanager {
 public:
  FakeAlertmanager() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeAlertmanager() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void setStatus(int status) { status_ = status; }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::string> paths() const {
    std::lock_guard lock(mu_);
    return paths_;
  }
  int requests() const { return requests_; }

  // Polls `pred` until it holds or 20 s pass (a generous bound for a loaded machine; no timing is
  // asserted).
  template <typename Pred>
  static bool waitFor(Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      serve(c);
      ::close(c);
    }
  }
  void serve(int c) {
    std::string buf;
    while (!stop_) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char chunk[65536];
      const ssize_t n = ::read(c, chunk, sizeof chunk);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
      for (;;) {
        const size_t end = buf.find("\r\n\r\n");
        if (end == std::string::npos) break;
        const std::string head = buf.substr(0, end);
        size_t length = 0;
        const size_t cl = head.find("Content-Length: ");
        if (cl != std::string::npos) length = std::stoul(head.substr(cl + 16));
        if (buf.size() < end + 4 + length) break;
        const std::string body = buf.substr(end + 4, length);
        buf.erase(0, end + 4 + length);
        const int status = status_;
        ++requests_;
        if (status == 200) {
          std::lock_guard lock(mu_);
          bodies_.push_back(body);
          paths_.push_back(head.substr(0, head.find("\r\n")));
        }
        const std::string reply = "HTTP/1.1 " + std::to_string(status) +
                                  (status == 200 ? " OK" : " Unavailable") +
                                  "\r\nContent-Length: 0\r\n\r\n";
        if (::write(c, reply.data(), reply.size()) < 0) return;
      }
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> status_{200};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  std::vector<std::string> paths_;
  std::thread thread_;
};

}  // namespace casewatch::testing
