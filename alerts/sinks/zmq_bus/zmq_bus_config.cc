#include "alerts/sinks/zmq_bus/zmq_bus_config.h"

#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, ZmqBusConfig& c) {
  r.read("zmq", c.endpoint);
  decodeConfig(r, c.curve);
  r.read("insecure", c.insecure);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const ZmqBusConfig& c) {
  if (!c.endpoint.empty() && !isZmqEndpoint(c.endpoint)) {
    d.invalid(
        childPath(path, "zmq"),
        std::string(kZmqEndpointHelp) + " or \"\" for no publishing, got " + inQuotes(c.endpoint));
  }
  if (!c.endpoint.empty()) {
    validateZmqCurve(d, childPath(path, "curve"), c.curve, /*server=*/true, c.endpoint, c.insecure,
                     childPath(path, "insecure"));
  }
}

void writeConfig(ConfigWriter& w, const ZmqBusConfig& c) {
  w.string("zmq", c.endpoint);
  writeConfig(w, c.curve);
  w.boolean("insecure", c.insecure);
}

}  // namespace casewatch
