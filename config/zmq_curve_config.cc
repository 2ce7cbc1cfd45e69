#include "config/zmq_curve_config.h"

#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, ZmqCurveConfig& c) {
  const ConfigNode* n = r.take("curve");
  if (n == nullptr || n->kind == ConfigNode::Kind::kNull) return;
  MapReader m(r.decoder(), *n, r.pathOf("curve"));
  m.read("secret_key_file", c.secret_key_file);
  m.read("server_public_key_file", c.server_public_key_file);
  m.read("clients_file", c.clients_file);
}

void validateZmqCurve(ConfigDecoder& d, const std::string& path, const ZmqCurveConfig& c,
                      bool server, const std::string& endpoint, bool insecure,
                      const std::string& insecure_path) {
  if (c.on()) {
    if (server) {
      if (c.clients_file.empty()) {
        d.invalid(path + ".clients_file",
                  "required with CURVE on a bound socket: the client public keys admitted");
      }
      if (!c.server_public_key_file.empty()) {
        d.invalid(path + ".server_public_key_file",
                  "only for a connecting socket (this one binds: it is the server)");
      }
    } else {
      if (c.server_public_key_file.empty()) {
        d.invalid(path + ".server_public_key_file",
                  "required with CURVE on a connecting socket: the public key of the server");
      }
      if (!c.clients_file.empty()) {
        d.invalid(path + ".clients_file",
                  "only for a bound socket (this one connects: the server admits clients)");
      }
    }
  } else if (!c.server_public_key_file.empty() || !c.clients_file.empty()) {
    d.invalid(path + ".secret_key_file", "required when any other curve key is set");
  }
  if (zmqNeedsInsecure(endpoint, c) && !insecure) {
    d.invalid(insecure_path,
              "the endpoint " + inQuotes(endpoint) +
                  " is not on loopback and has no CURVE keys: anyone who can reach it could " +
                  (server ? "connect" : "be connected to") + " unauthenticated and unencrypted. " +
                  "Set curve.secret_key_file (casewatch keygen), or insecure: true to accept that");
  }
}

void writeConfig(ConfigWriter& w, const ZmqCurveConfig& c) {
  w.beginMap("curve");
  w.string("secret_key_file", c.secret_key_file);
  w.string("server_public_key_file", c.server_public_key_file);
  w.string("clients_file", c.clients_file);
  w.endMap();
}

bool zmqNeedsInsecure(const std::string& endpoint, const ZmqCurveConfig& c) {
  return !c.on() && isZmqEndpoint(endpoint) && !isLoopbackZmqEndpoint(endpoint);
}

}  // namespace casewatch
