// The one table of components: a config name -> a factory. Adding a model or a sink is a new
// folder plus one line in components.cc; everything else (start-up, reload, --list-components)
// is derived from these tables.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "models/model.h"

namespace casewatch {

struct ModelComponent {
  std::string_view name;
  std::string_view description;
  absl::StatusOr<std::unique_ptr<Model>> (*make)(const Config& config);
};

const std::vector<ModelComponent>& modelComponents();

// Builds every model the configuration enables, in table order. Errors name the config key.
absl::StatusOr<std::vector<std::unique_ptr<Model>>> buildModels(const Config& config);

}  // namespace casewatch
