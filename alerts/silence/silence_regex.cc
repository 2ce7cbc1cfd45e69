#include "alerts/silence/silence_regex.h"

#include <re2/re2.h>

#include "base/str_cat.h"

namespace casewatch {

SilenceRegex::SilenceRegex(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}

SilenceRegex::~SilenceRegex() = default;

absl::StatusOr<std::unique_ptr<const SilenceRegex>> SilenceRegex::compile(
    std::string_view pattern) {
  if (pattern.size() > kMaxPatternBytes) {
    return absl::InvalidArgumentError(
        strCat("pattern longer than ", kMaxPatternBytes, " bytes (", pattern.size(), ")"));
  }
  re2::RE2::Options options;
  options.set_log_errors(false);  // the reason is returned to the caller instead
  options.set_max_mem(kMaxMemoryBytes);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return absl::InvalidArgumentError(re->error());
  if (re->ProgramSize() > kMaxProgramSize) {
    return absl::InvalidArgumentError(strCat("pattern too complex: its program has ",
                                             re->ProgramSize(), " instructions, at most ",
                                             kMaxProgramSize));
  }
  return std::unique_ptr<const SilenceRegex>(new SilenceRegex(std::move(re)));
}

bool SilenceRegex::fullMatch(std::string_view value) const {
  return re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *re_);
}

}  // namespace casewatch
