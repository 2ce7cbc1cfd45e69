// What the duty board shows of the active alerts, counted once a second from the alert book: by
// model and tier, by region, overdue cases by region, agency and step, collective incidents by
// region and category, and key cases without an owner by region. Counting from the book (not from
// each model) keeps the figures equal to what the console shows, whatever the models' internals.
//
// Label values are regions, agencies, categories, steps, tiers and model names; never a case or
// person id (the alert's subject is never read).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "alerts/alert.h"

namespace casewatch {

struct ActiveAlertFigures {
  absl::flat_hash_map<std::pair<std::string, Tier>, int64_t> by_model_tier;
  // (model, tier, region)
  absl::flat_hash_map<std::tuple<std::string, Tier, std::string>, int64_t> by_region;
  // (region, agency, step) of the overdue model's alerts with a step past its deadline
  absl::flat_hash_map<std::tuple<std::string, std::string, std::string>, int64_t>
      overdue_by_agency_step;
  // (region, category) of the group_incident model's alerts
  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> incidents_by_region_category;
  // region -> key_case alerts raised because the case has no owner acting
  absl::flat_hash_map<std::string, int64_t> unowned_key_cases;

  void add(const Alert& a);
};

}  // namespace casewatch
