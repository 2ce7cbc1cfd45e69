#include "daemon/ha/shared_action.h"

#include <nlohmann/json.hpp>

#include "alerts/silence/silence_json.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

using Json = nlohmann::json;

constexpr SharedAction::Kind kKinds[] = {
    SharedAction::Kind::kAcknowledge, SharedAction::Kind::kUnacknowledge,
    SharedAction::Kind::kResolve, SharedAction::Kind::kAddSilence,
    SharedAction::Kind::kExpireSilence};

}  // namespace

std::string_view sharedActionKindName(SharedAction::Kind k) {
  switch (k) {
    case SharedAction::Kind::kAcknowledge:
      return "acknowledge";
    case SharedAction::Kind::kUnacknowledge:
      return "unacknowledge";
    case SharedAction::Kind::kResolve:
      return "resolve";
    case SharedAction::Kind::kAddSilence:
      return "add_silence";
    case SharedAction::Kind::kExpireSilence:
      return "expire_silence";
  }
  return "unknown";
}

std::string SharedAction::toJson() const {
  Json j = {{"v", 1}, {"kind", sharedActionKindName(kind)}, {"origin", origin}, {"by", by}};
  switch (kind) {
    case Kind::kAcknowledge:
    case Kind::kResolve:
      j["note"] = note;
      [[fallthrough]];
    case Kind::kUnacknowledge:
      j["alert_id"] = alert_id;
      break;
    case Kind::kAddSilence:
      j["silence"] = silenceToJson(silence);
      break;
    case Kind::kExpireSilence:
      j["silence_id"] = silence_id;
      break;
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

absl::StatusOr<SharedAction> SharedAction::fromJson(std::string_view text) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.value("v", 0) != 1) {
    return absl::InvalidArgumentError("shared action: not a version 1 JSON object");
  }
  SharedAction a;
  const std::string kind = j.value("kind", "");
  bool known = false;
  for (Kind k : kKinds) {
    if (sharedActionKindName(k) == kind) {
      a.kind = k;
      known = true;
    }
  }
  if (!known) return absl::InvalidArgumentError(strCat("shared action: unknown kind ", kind));
  a.origin = j.value("origin", "");
  a.by = j.value("by", "");
  a.alert_id = j.value("alert_id", "");
  a.note = j.value("note", "");
  a.silence_id = j.value("silence_id", "");
  if (j.contains("silence") && j["silence"].is_object()) a.silence = silenceFromJson(j["silence"]);
  const bool needs_alert =
      a.kind == Kind::kAcknowledge || a.kind == Kind::kUnacknowledge || a.kind == Kind::kResolve;
  if ((needs_alert && a.alert_id.empty()) ||
      (a.kind == Kind::kAddSilence && a.silence.id.empty()) ||
      (a.kind == Kind::kExpireSilence && a.silence_id.empty())) {
    return absl::InvalidArgumentError(strCat("shared action: ", kind, " without its subject"));
  }
  return a;
}

absl::Status SharedAction::applyTo(AlertOperations& ops) const {
  switch (kind) {
    case Kind::kAcknowledge:
      return ops.acknowledge(alert_id, by, note).status();
    case Kind::kUnacknowledge:
      return ops.unacknowledge(alert_id, by).status();
    case Kind::kResolve:
      return ops.resolve(alert_id, by, note).status();
    case Kind::kAddSilence:
      for (const Silence& s : ops.silences()) {
        if (s.id == silence.id) return absl::OkStatus();  // loaded with the workflow's state
      }
      return ops.addSilence(silence, silence.created_by).status();
    case Kind::kExpireSilence:
      return ops.expireSilence(silence_id, by);
  }
  return absl::InvalidArgumentError("shared action: unknown kind");
}

}  // namespace casewatch
