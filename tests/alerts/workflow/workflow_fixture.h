// A real AlertBook feeding an AlertWorkflow on a fake clock, recording every change the workflow
// emits. Shared by the workflow's tests (lifecycle, escalation, grouping, silences, restart).
//
// Header-only; single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert_book.h"
#include "alerts/workflow/alert_workflow.h"
#include "tests/fakes/contract_alert_names.h"
#include "tests/fakes/worded_signal.h"

namespace casewatch::testing {

constexpr TimeMs kT0 = 1772586900000;  // 2026-03-04T09:15:00+08:00
constexpr TimeMs kMin = kMsPerMinute;

inline Signal makeSignal(Tier tier, std::string subject, TimeMs at,
                         std::string_view model = "overdue", SubjectKind kind = SubjectKind::kCase,
                         std::string matter = {}) {
  Signal s;
  s.model = model;
  s.subject_kind = kind;
  s.subject_id = std::move(subject);
  s.tier = tier;
  s.score = 0.2 * static_cast<int>(tier);
  Reason r;
  r.code = "evidence";
  r.number = static_cast<int>(tier);
  r.text = testing::sayAsIs("evidence " + std::to_string(static_cast<int>(tier)));
  s.reasons.push_back(r);
  if (!matter.empty()) {
    Reason m;
    m.code = "matter";
    m.string_value = matter;
    m.text = testing::sayAsIs("matter " + matter);
    s.reasons.push_back(m);
  }
  if (tier != Tier::kNone) s.actions = {Action::kReplyNow};
  s.region = "520302";
  s.agency = "agency-a";
  s.category = "wage_arrears";
  s.summary = testing::sayAsIs("summary " + std::string(tierName(tier)));
  s.at = at;
  return s;
}

inline WorkflowOptions defaultOptions() {
  WorkflowOptions o;  // the documented defaults (config/alerting_config.h)
  o.alert_names = contractAlertNames();
  return o;
}

class WorkflowHarness {
 public:
  explicit WorkflowHarness(WorkflowOptions options = defaultOptions())
      : workflow_(
            std::move(options), &book_, [this] { return now_; },
            [this](AlertChange&& c) { changes_.push_back(std::move(c)); }) {
    workflow_.setPersist([this](std::string s) { persisted_ = std::move(s); });
  }

  // The model says `tier` about (model, subject) at `at`; the clock moves there first.
  void signal(Tier tier, const std::string& subject, TimeMs at, std::string_view model = "overdue",
              SubjectKind kind = SubjectKind::kCase, std::string matter = {}) {
    advance(at);
    auto c = book_.apply(makeSignal(tier, subject, at, model, kind, std::move(matter)));
    if (c) workflow_.onBookChange(std::move(*c));
  }
  void advance(TimeMs t) {
    if (t > now_) now_ = t;
    workflow_.advanceTo(now_);
  }

  AlertWorkflow& workflow() { return workflow_; }
  AlertBook& book() { return book_; }
  TimeMs& now() { return now_; }
  const std::string& persisted() const { return persisted_; }

  std::vector<AlertChange> take() { return std::exchange(changes_, {}); }
  const std::vector<AlertChange>& changes() const { return changes_; }

  static std::string id(const std::string& subject, std::string_view model = "overdue",
                        SubjectKind kind = SubjectKind::kCase) {
    return alertFingerprint(model, kind, subject);
  }

 private:
  AlertBook book_;
  TimeMs now_ = kT0;
  std::vector<AlertChange> changes_;
  std::string persisted_;
  AlertWorkflow workflow_;
};

// The kinds of `changes`, in order.
inline std::vector<ChangeKind> kinds(const std::vector<AlertChange>& changes) {
  std::vector<ChangeKind> out;
  for (const AlertChange& c : changes) out.push_back(c.kind);
  return out;
}

}  // namespace casewatch::testing
