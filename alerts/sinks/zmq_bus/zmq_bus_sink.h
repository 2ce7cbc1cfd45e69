// Publishes every alert change on a ZeroMQ PUB socket, two frames: the topic
// `alert.<tier>.<model>` (so subscribers filter by prefix, e.g. `alert.red.`) and the alert JSON.
// PUB never blocks: with no subscriber, or a subscriber past its high-water mark, ZeroMQ drops.
#pragma once

#include <string>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "alerts/alert_json.h"
#include "alerts/sinks/sink.h"

namespace casewatch {

class ZmqBusSink final : public Sink {
 public:
  // Binds `endpoint`; an error is fatal at start-up.
  static absl::StatusOr<std::unique_ptr<ZmqBusSink>> create(zmq::context_t& ctx,
                                                            const std::string& endpoint,
                                                            AlertJsonOptions opts);
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
