// A silence as JSON: the form the store keeps the silences in (Silencer::toJson) and the HA pair
// hands a new silence to the other replica in (daemon/ha/shared_action.h). Matches the silence
// objects of shared/contracts/alerts.md, times as epoch milliseconds.
#pragma once

#include <nlohmann/json.hpp>

#include "alerts/silence/silence.h"

namespace casewatch {

nlohmann::json silenceToJson(const Silence& s);
// Missing or mistyped fields read as empty; matchers that are not objects are left out (the
// caller validates what it needs, e.g. Silencer::compile).
Silence silenceFromJson(const nlohmann::json& j);

}  // namespace casewatch
