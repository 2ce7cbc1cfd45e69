// What a configuration load said about one key path (daemon/config_loader.h: ConfigResult::errors),
// for the config tests of every component.
//
// Header-only.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "daemon/config_loader.h"

namespace casewatch::testing {

// Every message reported at `path`, one per line ("" when none).
inline std::string errorsAt(const ConfigResult& r, const std::string& path) {
  std::string out;
  for (const ConfigError& e : r.errors) {
    if (e.path == path) out += e.message + "\n";
  }
  return out;
}

// The first message reported at `path`; "" and a test failure when there is none.
inline std::string errorAt(const ConfigResult& r, const std::string& path) {
  for (const ConfigError& e : r.errors) {
    if (e.path == path) return e.message;
  }
  ADD_FAILURE() << "no error at " << path << "; errors:\n" << r.describe();
  return "";
}

}  // namespace casewatch::testing
