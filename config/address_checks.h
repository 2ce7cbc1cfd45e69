// Checks of the addresses a configuration names (ZeroMQ endpoints, host:port, HTTP URLs), shared
// by the sections that name one. Pure functions of the text; nothing is resolved or opened.
#pragma once

#include <string_view>

namespace casewatch {

// tcp://..., ipc://... or inproc://... with something after the scheme.
bool isZmqEndpoint(std::string_view s);
inline constexpr std::string_view kZmqEndpointHelp =
    "expected a ZeroMQ endpoint (tcp://host:port, ipc://path or inproc://name)";

// True unless the endpoint is tcp:// on a host that is not loopback (127.0.0.0/8, [::1], ::1,
// localhost): ipc and inproc never leave the host. `*` and 0.0.0.0 are every interface.
bool isLoopbackZmqEndpoint(std::string_view s);

// `host:port`, the host possibly a bracketed IPv6 address, the port 0..65535.
bool isHostPort(std::string_view s);

// `http://host:port[/path]`.
bool isHttpUrl(std::string_view s);

}  // namespace casewatch
