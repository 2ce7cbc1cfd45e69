// A silence matcher's regular expression, run by RE2.
//
// Why RE2: silence patterns are user input (the API takes up to 1,000 bytes) and run against every
// alert on the thread that owns all state, and silences persist across restarts. A backtracking
// engine (std::regex) can take exponential time on a pattern such as `(a+)+$`: one bad silence
// would hang the daemon, again after every restart. RE2 matches in time linear in the input, with
// memory bounded when the pattern is compiled, and refuses what it cannot do that way
// (backreferences, lookaround).
//
// Semantics (as before RE2): the whole value must match (RE2::FullMatch), case-sensitive, UTF-8.
// The syntax is RE2's (https://github.com/google/re2/wiki/Syntax): the ECMAScript subset used in
// practice (classes, alternation, repetition, \d \w \s) is the same.
//
// Limits: a pattern longer than kMaxPatternBytes, or whose compiled program is larger than
// kMaxProgramSize instructions or needs more than kMaxMemoryBytes, is refused with the reason.
//
// Thread-safety: immutable after compile(); fullMatch may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace re2 {
class RE2;
}

namespace casewatch {

class SilenceRegex {
 public:
  static constexpr size_t kMaxPatternBytes = 1000;
  static constexpr int kMaxProgramSize = 5000;
  static constexpr int64_t kMaxMemoryBytes = 2 << 20;

  // InvalidArgument with RE2's reason ("missing ): C-(1") or the limit exceeded.
  static absl::StatusOr<std::unique_ptr<const SilenceRegex>> compile(std::string_view pattern);
  ~SilenceRegex();
  SilenceRegex(const SilenceRegex&) = delete;
  SilenceRegex& operator=(const SilenceRegex&) = delete;

  // Whether the whole of `value` matches.
  bool fullMatch(std::string_view value) const;

 private:
  explicit SilenceRegex(std::unique_ptr<re2::RE2> re);
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace casewatch
