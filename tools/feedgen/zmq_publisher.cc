#include "tools/feedgen/zmq_publisher.h"

#include <thread>

#include "base/zmq_curve/curve_keys.h"

namespace casewatch::feedgen {

ZmqPublisher::ZmqPublisher(const PublisherOptions& options)
    : options_(options), context_(1), socket_(context_, zmq::socket_type::push) {}

ZmqPublisher::~ZmqPublisher() {
  close();
}

absl::StatusOr<std::unique_ptr<ZmqPublisher>> ZmqPublisher::create(
    const PublisherOptions& options) {
  std::unique_ptr<ZmqPublisher> p(new ZmqPublisher(options));
  try {
    p->socket_.set(zmq::sockopt::sndhwm, options.sndhwm);
    p->socket_.set(zmq::sockopt::linger, options.linger_ms);
    if (!options.curve_secret_key_file.empty()) {
      auto pair = readCurveSecretKeyFile(options.curve_secret_key_file);
      if (!pair.ok()) return pair.status();
      p->socket_.set(zmq::sockopt::curve_secretkey, pair->secret_z85);
      p->socket_.set(zmq::sockopt::curve_publickey, pair->public_z85);
      if (options.bind) {
        auto clients = readCurveClientKeysFile(options.curve_clients_file);
        if (!clients.ok()) return clients.status();
        p->zap_ = std::make_unique<ZapAuthenticator>(p->context_);
        p->zap_->admit("feedgen", *clients);
        p->socket_.set(zmq::sockopt::curve_server, true);
        p->socket_.set(zmq::sockopt::zap_domain, "feedgen");
      } else {
        auto server = readCurvePublicKeyFile(options.curve_server_key_file);
        if (!server.ok()) return server.status();
        p->socket_.set(zmq::sockopt::curve_serverkey, *server);
      }
    }
    if (options.bind) {
      p->socket_.bind(options.endpoint);
    } else {
      p->socket_.connect(options.endpoint);
    }
  } catch (const zmq::error_t& e) {
    return absl::InvalidArgumentError("cannot " + std::string(options.bind ? "bind" : "connect") +
                                      " " + options.endpoint + ": " + e.what());
  }
  p->started_ = std::chrono::steady_clock::now();
  return p;
}

absl::Status ZmqPublisher::publish(std::string_view topic, std::string_view json) {
  if (options_.rate > 0) {
    // Each message has its slot on a fixed schedule, so short stalls are caught up afterwards
    // and the average rate holds.
    const auto due =
        started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(sent_) / options_.rate));
    if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
  }
  try {
    socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(json), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    return absl::UnavailableError(std::string("zmq send failed: ") + e.what());
  }
  ++sent_;
  return absl::OkStatus();
}

void ZmqPublisher::close() {
  if (closed_) return;
  closed_ = true;
  socket_.close();
  zap_.reset();
  context_.close();  // blocks until queued messages are sent or the linger time is up
}

}  // namespace casewatch::feedgen
