// The `curve:` block of a ZeroMQ socket (a zmq feed item, `publish`): the key files for CURVE
// (authenticated, encrypted ZeroMQ; base/zmq_curve/), and the rule that a socket reaching beyond
// loopback without CURVE needs an explicit `insecure: true`. Shared by the feeds and the alert bus,
// each of which reads it into its own config. Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct ZmqCurveConfig {
  // This side's secret key (`casewatch keygen`; mode 0600). Set = CURVE on.
  std::string secret_key_file;
  // A connecting socket (a CURVE client): the public key of the server it connects to.
  std::string server_public_key_file;
  // A binding socket (a CURVE server): the client public keys admitted, one Z85 key a line.
  std::string clients_file;
  bool on() const { return !secret_key_file.empty(); }
  friend bool operator==(const ZmqCurveConfig&, const ZmqCurveConfig&) = default;
};

// Reads the `curve` map under `r` (absent: CURVE off).
void decodeConfig(MapReader& r, ZmqCurveConfig& c);
// The keys a socket of that role needs, under `path` (the `curve` map's path); and the insecure
// rule: a tcp endpoint on a non-loopback host without CURVE is refused unless `insecure`, the
// error at `insecure_path`.
void validateZmqCurve(ConfigDecoder& d, const std::string& path, const ZmqCurveConfig& c,
                      bool server, const std::string& endpoint, bool insecure,
                      const std::string& insecure_path);
// The `curve` map (written also when off, so that --print shows the keys).
void writeConfig(ConfigWriter& w, const ZmqCurveConfig& c);

// True when the socket would talk to the network without CURVE: a tcp endpoint whose host is not
// loopback (127.0.0.0/8, ::1, localhost) and no key. ipc and inproc stay on the host.
bool zmqNeedsInsecure(const std::string& endpoint, const ZmqCurveConfig& c);

}  // namespace casewatch
