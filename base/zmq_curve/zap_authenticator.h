// The ZAP handler (ZeroMQ RFC 27) of one ZeroMQ context: decides, for every CURVE handshake on a
// server socket of that context, whether the client's public key may connect.
//
// Each CURVE server socket names a ZAP domain (ZMQ_ZAP_DOMAIN: `feed/<name>`, `publish`) and
// registers the public keys that domain admits (admit()); a key not listed, or a domain not
// registered, is refused (status 400), and libzmq closes the connection before any message
// passes. Sockets without CURVE (NULL mechanism, an explicitly insecure feed) are not this
// handler's business and are let through.
//
// Why one per context: libzmq finds the handler at the fixed endpoint inproc://zeromq.zap.01 of
// the socket's context, so every socket of the daemon shares it; and it must be bound before any
// CURVE server socket, or libzmq admits every client that knows the server key.
//
// Threads: the handler answers on its own thread. admit(), forget() and refusals() may be called
// from any thread; `on_refusal` runs on the handler's thread (quick and thread-safe).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

namespace casewatch {

class ZapAuthenticator {
 public:
  using OnRefusal = std::function<void(const std::string& domain)>;

  // Binds the ZAP endpoint of `context` and starts answering. Throws zmq::error_t (EADDRINUSE:
  // the context already has a handler).
  explicit ZapAuthenticator(zmq::context_t& context, OnRefusal on_refusal = nullptr);
  ~ZapAuthenticator();  // stops the thread, closes the socket
  ZapAuthenticator(const ZapAuthenticator&) = delete;
  ZapAuthenticator& operator=(const ZapAuthenticator&) = delete;

  // `domain` admits exactly `public_keys` (32 raw bytes each) from now on, replacing any earlier
  // list.
  void admit(const std::string& domain, const std::vector<std::string>& public_keys);
  void forget(const std::string& domain);
  // CURVE handshakes refused in `domain` so far.
  uint64_t refusals(const std::string& domain) const;

 private:
  void run();
  void answer(std::vector<zmq::message_t>& request);

  zmq::socket_t socket_;  // REP; used by the thread only, once started
  OnRefusal on_refusal_;
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::string>, std::less<>> admitted_;
  std::map<std::string, uint64_t, std::less<>> refusals_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace casewatch
