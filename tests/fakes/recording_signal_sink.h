// A SignalSink that keeps every signal a model emits, in order, for tests to inspect.
//
// Header-only; not thread-safe (models call from one thread).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/signal.h"
#include "tests/fakes/signal_builder.h"

namespace casewatch::testing {

class RecordingSignalSink final : public SignalSink {
 public:
  void emit(Signal&& s) override { signals_.push_back(std::move(s)); }

  const std::vector<Signal>& signals() const { return signals_; }
  size_t size() const { return signals_.size(); }
  bool empty() const { return signals_.empty(); }
  const Signal& last() const { return signals_.back(); }
  void clear() { signals_.clear(); }

  // The signals about one subject, in emission order.
  std::vector<Signal> forSubject(std::string_view subject_id) const {
    std::vector<Signal> out;
    for (const Signal& s : signals_) {
      if (s.subject_id == subject_id) out.push_back(s);
    }
    return out;
  }
  // The reason with `code` in the last signal, or null.
  const Reason* lastReason(std::string_view code) const {
    return signals_.empty() ? nullptr : reasonOf(signals_.back(), code);
  }

 private:
  std::vector<Signal> signals_;
};

}  // namespace casewatch::testing
