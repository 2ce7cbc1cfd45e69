// publish: where the ZeroMQ bus sink publishes every alert change (alerts/sinks/zmq_bus/), and
// how: `zmq` (the endpoint it binds), `curve` (its secret key and the subscribers it admits;
// config/zmq_curve_config.h) and `insecure`. Documented in config/casewatch.yaml.
#pragma once

#include <string>

#include "config/zmq_curve_config.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct ZmqBusConfig {
  std::string endpoint = "tcp://127.0.0.1:5571";  // alert PUB endpoint; empty = off
  ZmqCurveConfig curve;   // the bus binds: its secret key and the subscribers' public keys
  bool insecure = false;  // needed to bind off loopback without CURVE
  friend bool operator==(const ZmqBusConfig&, const ZmqBusConfig&) = default;
};

// Its keys `zmq`, `curve`, `insecure`, read from the `publish` map `r`; checked; written back.
void decodeConfig(MapReader& r, ZmqBusConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const ZmqBusConfig& c);
void writeConfig(ConfigWriter& w, const ZmqBusConfig& c);

}  // namespace casewatch
