#include "alerts/sinks/zmq_bus/zmq_bus_sink.h"

#include "base/str_cat.h"

namespace casewatch {

absl::StatusOr<std::unique_ptr<ZmqBusSink>> ZmqBusSink::create(zmq::context_t& ctx,
                                                               const std::string& endpoint,
                                                               AlertJsonOptions opts) {
  try {
    zmq::socket_t s(ctx, zmq::socket_type::pub);
    s.set(zmq::sockopt::linger, 1000);
    s.set(zmq::sockopt::sndhwm, 100000);
    s.bind(endpoint);
    std::string bound = s.get(zmq::sockopt::last_endpoint);
    return std::unique_ptr<ZmqBusSink>(new ZmqBusSink(std::move(s), bound, std::move(opts)));
  } catch (const zmq::error_t& e) {
    return absl::UnavailableError(strCat("publish.zmq: cannot bind ", endpoint, ": ", e.what()));
  }
}

SinkOutcome ZmqBusSink::publish(std::string_view topic, std::string_view body) {
  try {
    if (!socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      return SinkOutcome::kRetryLater;
    }
    socket_.send(zmq::buffer(body), zmq::send_flags::dontwait);
    return SinkOutcome::kDelivered;
  } catch (const zmq::error_t&) {
    return SinkOutcome::kGiveUp;
  }
}

SinkOutcome ZmqBusSink::deliver(const AlertChange& change) {
  const Alert& a = change.alert;
  const std::string topic = strCat("alert.", tierName(a.tier), ".", a.model);
  return publish(topic, alertChangeToJson(change, opts_));
}

}  // namespace casewatch
