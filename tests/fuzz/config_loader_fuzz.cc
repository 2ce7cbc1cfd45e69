// libFuzzer target for the configuration loader: any text as casewatch.yaml (built by
// tests/fuzz/CMakeLists.txt in the sanitizer build).
//
// Properties beyond "no crash, no sanitizer report" (yaml-cpp throws internally; none may escape):
//  - a refused text has at least one error, each with a path or a message;
//  - an accepted text prints (check-config --print) to YAML that loads again to the same print.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/config_loader.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;  // a config file is small; deeper inputs only slow the search
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const casewatch::ConfigResult result = casewatch::loadConfig(text, {}, "fuzz.yaml");
  if (!result.ok()) {
    for (const auto& e : result.errors) check(!e.message.empty(), "an error says what is wrong");
    check(!result.describe().empty(), "describe");
    return 0;
  }
  const std::string printed = casewatch::formatConfigYaml(result.config);
  const casewatch::ConfigResult again = casewatch::loadConfig(printed, {}, "printed.yaml");
  if (!again.ok()) {
    std::fprintf(stderr, "%s\n---\n%s\n", again.describe().c_str(), printed.c_str());
  }
  check(again.ok(), "the printed config loads");
  check(casewatch::formatConfigYaml(again.config) == printed, "print is a fixed point");
  return 0;
}
