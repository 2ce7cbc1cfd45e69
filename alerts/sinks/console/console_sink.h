// Prints each alert change readably, one line per change plus its reasons and actions, in the
// configured locale. What a user sees when running the demo.
#pragma once

#include <cstdio>
#include <string>

#include "alerts/sinks/sink.h"

namespace casewatch {

class ConsoleSink final : public Sink {
 public:
  ConsoleSink(std::string locale, int utc_offset_minutes, std::FILE* out = stdout,
              bool color = false)
      : locale_(std::move(locale)), offset_(utc_offset_minutes), out_(out), color_(color) {}
  std::string_view name() const override { return "console"; }
  SinkOutcome deliver(const AlertChange& change) override;
  void flush() override { std::fflush(out_); }
  // The text deliver() prints (tests).
  std::string render(const AlertChange& change) const;

 private:
  std::string locale_;
  int offset_;
  std::FILE* out_;
  bool color_;
};

}  // namespace casewatch
