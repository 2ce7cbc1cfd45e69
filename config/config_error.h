// One problem found in the configuration, named by where the operator has to fix it.
#pragma once

#include <string>

namespace casewatch {

struct ConfigError {
  std::string path;     // key path, "--set <arg>" for a bad override, "<origin>:<line>:<col>" for
                        // a YAML syntax error
  std::string message;  // what is wrong (and where in the file, when known)
};

}  // namespace casewatch
