// A ModelMetrics (models/model.h) that records the accountability calls a model makes: deadline
// breaches and completed steps with their on-time verdict, and the last per-region gauges.
//
// Header-only; not thread-safe (models call from one thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/model.h"

namespace casewatch::testing {

class RecordingModelMetrics final : public ModelMetrics {
 public:
  struct Breach {
    uint32_t agency;
    Step step;
  };
  struct Completion {
    uint32_t agency;
    Step step;
    bool on_time;
  };

  void deadlineBreached(uint32_t region, uint32_t agency, Step step) override {
    (void)region;
    breaches.push_back(Breach{agency, step});
  }
  void stepCompleted(uint32_t region, uint32_t agency, Step step, bool on_time) override {
    (void)region;
    completions.push_back(Completion{agency, step, on_time});
  }

  void keyCases(std::string_view region, int64_t count) override {
    key_cases[std::string(region)] = count;
  }
  void stabilityIndex(std::string_view region, double index) override {
    stability[std::string(region)] = index;
  }

  // The completions recorded for `step`, in order.
  std::vector<Completion> completionsOf(Step step) const {
    std::vector<Completion> out;
    for (const auto& c : completions) {
      if (c.step == step) out.push_back(c);
    }
    return out;
  }
  size_t breachesOf(Step step) const {
    size_t n = 0;
    for (const auto& b : breaches) n += b.step == step;
    return n;
  }

  std::vector<Breach> breaches;
  std::vector<Completion> completions;
  std::map<std::string, int64_t> key_cases;  // the last value per region
  std::map<std::string, double> stability;   // the last value per region
};

}  // namespace casewatch::testing
