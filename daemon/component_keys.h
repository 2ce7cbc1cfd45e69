// The configuration keys each component of the tables (daemon/components.h) reads, found by
// writing the component's defaults with its own writer: the keys are the writer's, so no list of
// them is kept by hand. Used by --list-components and by the test that holds
// config/casewatch.yaml to exactly these keys.
//
// Start-up and tests only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/components.h"

namespace casewatch {

// Every leaf key path of a YAML document, in document order: "clocks.handling_days"; the items of
// a list of maps as "feeds[].name" (each path once); an empty list or a list of scalars is a leaf.
std::vector<std::string> configKeyPaths(std::string_view yaml_text);

// A component's keys, relative to where they sit (its section, or a `feeds` item); empty for a
// component with no keys of its own.
std::vector<std::string> modelKeys(const ModelComponent& m);
std::vector<std::string> feedKindKeys(const FeedComponent& f);  // the shared keys, then its own
std::vector<std::string> sinkKeys(const SinkComponent& s);

}  // namespace casewatch
