// A PipelineOutput that records what the pipeline hands on: accepted events (what would be
// journalled), alert changes (what would be published) and dead letters with their feed names.
//
// Header-only; not thread-safe (the pipeline calls from one thread).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/pipeline.h"

namespace casewatch::testing {

class RecordingOutput final : public PipelineOutput {
 public:
  struct DeadLetter {
    std::string feed;
    Rejection rejection;
  };

  void accepted(const CaseEvent& ev) override { accepted_.push_back(ev); }
  void alertChanged(AlertChange&& change) override { changes_.push_back(std::move(change)); }
  void deadLetter(std::string_view feed, const Rejection& r) override {
    dead_letters_.push_back(DeadLetter{std::string(feed), r});
  }
  void purged(CasePurge&& purge) override { purges_.push_back(std::move(purge)); }
  // Every retention purge the pipeline ran (daemon/retention/case_purge.h), in order.
  const std::vector<CasePurge>& purges() const { return purges_; }

  const std::vector<CaseEvent>& acceptedEvents() const { return accepted_; }
  const std::vector<AlertChange>& changes() const { return changes_; }
  const std::vector<DeadLetter>& deadLetters() const { return dead_letters_; }

  // The alert changes about one subject (of one model, when given), in order.
  std::vector<AlertChange> changesFor(std::string_view subject_id,
                                      std::string_view model = {}) const {
    std::vector<AlertChange> out;
    for (const AlertChange& c : changes_) {
      if (c.alert.subject_id == subject_id && (model.empty() || c.alert.model == model)) {
        out.push_back(c);
      }
    }
    return out;
  }
  // The alert changes of one model, in order.
  std::vector<AlertChange> changesOf(std::string_view model) const {
    std::vector<AlertChange> out;
    for (const AlertChange& c : changes_) {
      if (c.alert.model == model) out.push_back(c);
    }
    return out;
  }
  void clear() {
    accepted_.clear();
    changes_.clear();
    dead_letters_.clear();
  }

 private:
  std::vector<CaseEvent> accepted_;
  std::vector<AlertChange> changes_;
  std::vector<DeadLetter> dead_letters_;
  std::vector<CasePurge> purges_;
};

}  // namespace casewatch::testing
