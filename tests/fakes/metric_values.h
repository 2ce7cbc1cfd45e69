// Reading a value back from a prometheus-cpp registry the way a scrape sees it (Collect()), so a
// test checks what an operator would see rather than a component's internals.
//
// Header-only.
#pragma once

#include <prometheus/registry.h>

#include <map>
#include <string>
#include <vector>

namespace casewatch::testing {

using MetricLabels = std::map<std::string, std::string>;

// The sample with exactly these labels in the family `name`, or null.
inline const prometheus::ClientMetric* findSample(const std::vector<prometheus::MetricFamily>& all,
                                                  const std::string& name,
                                                  const MetricLabels& labels) {
  for (const auto& family : all) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      MetricLabels got;
      for (const auto& l : m.label) got[l.name] = l.value;
      if (got == labels) return &m;
    }
  }
  return nullptr;
}

// The value of a counter with exactly these labels (0 when absent).
inline double counterValue(const prometheus::Registry& registry, const std::string& name,
                           const MetricLabels& labels) {
  const auto all = registry.Collect();
  const prometheus::ClientMetric* m = findSample(all, name, labels);
  return m ? m->counter.value : 0;
}

// The value of a gauge with exactly these labels (0 when absent).
inline double gaugeValue(const prometheus::Registry& registry, const std::string& name,
                         const MetricLabels& labels = {}) {
  const auto all = registry.Collect();
  const prometheus::ClientMetric* m = findSample(all, name, labels);
  return m ? m->gauge.value : 0;
}

}  // namespace casewatch::testing
