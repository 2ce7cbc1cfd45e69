#include "alerts/sinks/zmq_bus/zmq_bus_config.h"

#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, ZmqBusConfig& c) {
  r.read("zmq", c.endpoint);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const ZmqBusConfig& c) {
  if (!c.endpoint.empty() && !isZmqEndpoint(c.endpoint)) {
    d.invalid(
        childPath(path, "zmq"),
        std::string(kZmqEndpointHelp) + " or \"\" for no publishing, got " + inQuotes(c.endpoint));
  }
}

void writeConfig(ConfigWriter& w, const ZmqBusConfig& c) {
  w.string("zmq", c.endpoint);
}

}  // namespace casewatch
