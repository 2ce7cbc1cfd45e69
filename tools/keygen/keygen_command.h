// `casewatch keygen <prefix>`: writes a fresh CURVE key pair for an authenticated ZeroMQ feed or
// alert bus (base/zmq_curve/curve_keys.h): `<prefix>.key`, the secret key (mode 0600, named in
// the config as curve.secret_key_file of the side that owns it), and `<prefix>.pub`, the public
// key (given to the other side: a server's goes to its clients as server_public_key_file, a
// client's is added to the server's curve.clients_file). Never overwrites an existing key.
#pragma once

namespace CLI {
class App;
}

namespace casewatch {

void addKeygenCommand(CLI::App& app);

}  // namespace casewatch
