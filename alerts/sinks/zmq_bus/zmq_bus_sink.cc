#include "alerts/sinks/zmq_bus/zmq_bus_sink.h"

#include <spdlog/spdlog.h>

#include "base/str_cat.h"
#include "base/zmq_curve/curve_keys.h"

namespace casewatch {

absl::StatusOr<std::unique_ptr<ZmqBusSink>> ZmqBusSink::create(zmq::context_t& ctx,
                                                               const ZmqBusConfig& config,
                                                               ZapAuthenticator* zap,
                                                               AlertJsonOptions opts) {
  const std::string& endpoint = config.endpoint;
  try {
    zmq::socket_t s(ctx, zmq::socket_type::pub);
    s.set(zmq::sockopt::linger, 1000);
    s.set(zmq::sockopt::sndhwm, 100000);
    if (config.curve.on()) {
      auto pair = readCurveSecretKeyFile(config.curve.secret_key_file);
      if (!pair.ok()) {
        return absl::Status(pair.status().code(),
                            strCat("publish.curve.secret_key_file: ", pair.status().message()));
      }
      auto clients = readCurveClientKeysFile(config.curve.clients_file);
      if (!clients.ok()) {
        return absl::Status(clients.status().code(),
                            strCat("publish.curve.clients_file: ", clients.status().message()));
      }
      if (zap == nullptr) {
        return absl::FailedPreconditionError("publish.curve: no ZAP handler to admit the clients");
      }
      zap->admit(kZapDomain, *clients);
      s.set(zmq::sockopt::curve_server, true);
      s.set(zmq::sockopt::curve_secretkey, pair->secret_z85);
      s.set(zmq::sockopt::curve_publickey, pair->public_z85);
      s.set(zmq::sockopt::zap_domain, kZapDomain);
      spdlog::info("publish: CURVE server, {} subscriber key(s) admitted", clients->size());
    } else if (zmqNeedsInsecure(endpoint, config.curve)) {
      // Said at every start: any host that reaches it reads every alert.
      spdlog::warn(
          "publish: {} is reachable beyond this host WITHOUT CURVE (insecure: true): anyone who "
          "can reach it reads every alert.",
          endpoint);
    }
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
