// Publishes a feed on a ZeroMQ PUSH socket, as the contract's two-frame messages (topic = the event
// type, then the JSON), at a steady rate. close() waits (up to the linger time) for queued messages
// to reach the peer, so a short feed is not lost when the process exits.
//
// With a CURVE secret key it authenticates and encrypts: connecting, it is the client of the
// daemon's feed (whose public key it is given); binding, it is the server and admits the client
// keys listed (the daemon's, for a feed with bind: false) through a ZAP handler of its own.
//
// Ownership and thread-safety: owns its context and socket; use from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/zmq_curve/zap_authenticator.h"

namespace casewatch::feedgen {

struct PublisherOptions {
  std::string endpoint;               // e.g. "tcp://127.0.0.1:5570"
  bool bind = false;                  // bind instead of connect
  double rate = 0;                    // events per second; 0 = as fast as the peer takes them
  int linger_ms = 30000;              // how long close() waits for the queue to drain
  int sndhwm = 100000;                // messages queued before send() blocks
  std::string curve_secret_key_file;  // this publisher's secret key; empty = no CURVE
  std::string curve_server_key_file;  // connecting with CURVE: the daemon feed's public key
  std::string curve_clients_file;     // binding with CURVE: the client keys admitted
};

class ZmqPublisher {
 public:
  static absl::StatusOr<std::unique_ptr<ZmqPublisher>> create(const PublisherOptions& options);
  ~ZmqPublisher();

  // Blocks to keep the rate, and while the queue is full.
  absl::Status publish(std::string_view topic, std::string_view json);
  // Closes the socket and waits for the queue to drain (up to linger_ms).
  void close();

 private:
  explicit ZmqPublisher(const PublisherOptions& options);

  PublisherOptions options_;
  zmq::context_t context_;
  std::unique_ptr<ZapAuthenticator> zap_;  // binding with CURVE only; before the socket closes
  zmq::socket_t socket_;
  std::chrono::steady_clock::time_point started_;
  uint64_t sent_ = 0;
  bool closed_ = false;
};

}  // namespace casewatch::feedgen
