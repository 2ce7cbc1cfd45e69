// publish.zmq: where the ZeroMQ bus sink publishes every alert change (alerts/sinks/zmq_bus/).
// Documented in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct ZmqBusConfig {
  std::string endpoint = "tcp://127.0.0.1:5571";  // alert PUB endpoint; empty = off
  friend bool operator==(const ZmqBusConfig&, const ZmqBusConfig&) = default;
};

// Its key `zmq`, read from the `publish` map `r`; checked; written back.
void decodeConfig(MapReader& r, ZmqBusConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const ZmqBusConfig& c);
void writeConfig(ConfigWriter& w, const ZmqBusConfig& c);

}  // namespace casewatch
