#include "config/address_checks.h"

#include <charconv>

namespace casewatch {

bool isZmqEndpoint(std::string_view s) {
  for (std::string_view scheme : {"tcp://", "ipc://", "inproc://"}) {
    if (s.size() > scheme.size() && s.substr(0, scheme.size()) == scheme) return true;
  }
  return false;
}

bool isLoopbackZmqEndpoint(std::string_view s) {
  constexpr std::string_view kTcp = "tcp://";
  if (s.substr(0, kTcp.size()) != kTcp) return true;
  std::string_view rest = s.substr(kTcp.size());
  // tcp://source;host:port connects from a chosen source; the host is what counts.
  if (const size_t semi = rest.find(';'); semi != std::string_view::npos)
    rest = rest.substr(semi + 1);
  const size_t colon = rest.rfind(':');
  const std::string_view host = colon == std::string_view::npos ? rest : rest.substr(0, colon);
  return host == "localhost" || host == "[::1]" || host == "::1" || host == "lo" ||
         host.substr(0, 4) == "127.";
}

bool isHostPort(std::string_view s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return false;
  } else if (host.find(':') != std::string_view::npos) {
    return false;  // an IPv6 address needs brackets
  }
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && ptr == port.data() + port.size() && value <= 65535;
}

bool isHttpUrl(std::string_view s) {
  constexpr std::string_view kScheme = "http://";
  if (s.substr(0, kScheme.size()) != kScheme) return false;
  std::string_view rest = s.substr(kScheme.size());
  const size_t slash = rest.find('/');
  return isHostPort(rest.substr(0, slash));
}

}  // namespace casewatch
