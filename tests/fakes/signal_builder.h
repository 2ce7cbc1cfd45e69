// Signals in model tests: one built as another model would emit it (for onSignal), and a reason
// read back by its code.
//
//   Signal s = SignalBuilder("overdue", SubjectKind::kCase,
//   "C-1").tier(Tier::kRed).region("520302"); ASSERT_NE(reasonOf(s, "days_overdue"), nullptr);
//
// Header-only; no state shared between tests.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "models/signal.h"

namespace casewatch::testing {

// The reason with `code` in `s`, or null.
inline const Reason* reasonOf(const Signal& s, std::string_view code) {
  for (const Reason& r : s.reasons) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

class SignalBuilder {
 public:
  // `model` must outlive the signal (Signal::model is a view): pass a literal or a kName.
  SignalBuilder(std::string_view model, SubjectKind kind, std::string subject_id) {
    s_.model = model;
    s_.subject_kind = kind;
    s_.subject_id = std::move(subject_id);
  }
  SignalBuilder& tier(Tier t) {
    s_.tier = t;
    return *this;
  }
  SignalBuilder& region(std::string r) {
    s_.region = std::move(r);
    return *this;
  }
  // A reason with a string value and no words (what the reading model looks at).
  SignalBuilder& reason(std::string code, std::string value) {
    s_.addReason(std::move(code), std::move(value), Phrase{});
    return *this;
  }

  Signal build() const { return s_; }
  operator Signal() const { return build(); }  // NOLINT: a builder converts implicitly

 private:
  Signal s_;
};

}  // namespace casewatch::testing
