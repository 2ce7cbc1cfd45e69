#include "connectors/pseudonym/pseudonym_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, PseudonymConfig& c) {
  r.read("key_file", c.key_file);
  r.read("key_env", c.key_env);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const PseudonymConfig& c) {
  (void)d, (void)path, (void)c;  // the key itself is read and checked at start-up
}

void writeConfig(ConfigWriter& w, const PseudonymConfig& c) {
  w.string("key_file", c.key_file);
  w.string("key_env", c.key_env);
}

}  // namespace casewatch
