// Publishes every alert change on a ZeroMQ PUB socket, two frames: the topic
// `alert.<tier>.<model>` (so subscribers filter by prefix, e.g. `alert.red.`) and the alert JSON.
// PUB never blocks: with no subscriber, or a subscriber past its high-water mark, ZeroMQ drops.
//
// With publish.curve the PUB is a CURVE server in the ZAP domain `publish`: a subscriber needs the
// bus's public key to connect at all, and its own public key must be in curve.clients_file
// (registered with the context's ZAP handler); what passes is encrypted.
#pragma once

#include <string>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "alerts/alert_json.h"
#include "alerts/sinks/sink.h"
#include "alerts/sinks/zmq_bus/zmq_bus_config.h"
#include "base/zmq_curve/zap_authenticator.h"

namespace casewatch {

class ZmqBusSink final : public Sink {
 public:
  // Binds `config.endpoint` (with CURVE: the keys read, the clients admitted through `zap`, which
  // must then be set); an error is fatal at start-up.
  static absl::StatusOr<std::unique_ptr<ZmqBusSink>> create(zmq::context_t& ctx,
                                                            const ZmqBusConfig& config,
                                                            ZapAuthenticator* zap,
                                                            AlertJsonOptions opts);
  static constexpr const char* kZapDomain = "publish";
  std::string_view name() const override { return "zmq_bus"; }
  SinkOutcome deliver(const AlertChange& change) override;
  // Publishes an extra message on `topic` (e.g. `escalation.<level>`).
  SinkOutcome publish(std::string_view topic, std::string_view body);
  const std::string& boundEndpoint() const { return endpoint_; }

 private:
  ZmqBusSink(zmq::socket_t socket, std::string endpoint, AlertJsonOptions opts)
      : socket_(std::move(socket)), endpoint_(std::move(endpoint)), opts_(std::move(opts)) {}
  zmq::socket_t socket_;
  std::string endpoint_;
  AlertJsonOptions opts_;
};

}  // namespace casewatch
