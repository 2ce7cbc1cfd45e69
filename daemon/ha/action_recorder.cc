#include "daemon/ha/action_recorder.h"

namespace casewatch {

SharedAction ActionRecorder::base(SharedAction::Kind kind, const std::string& by) const {
  SharedAction a;
  a.kind = kind;
  a.origin = origin_;
  a.by = by;
  return a;
}

absl::StatusOr<Alert> ActionRecorder::acknowledge(const std::string& alert_id,
                                                  const std::string& by, const std::string& note) {
  auto r = target_.acknowledge(alert_id, by, note);
  if (r.ok()) {
    recorded_ = base(SharedAction::Kind::kAcknowledge, by);
    recorded_->alert_id = alert_id;
    recorded_->note = note;
  }
  return r;
}

absl::StatusOr<Alert> ActionRecorder::unacknowledge(const std::string& alert_id,
                                                    const std::string& by) {
  auto r = target_.unacknowledge(alert_id, by);
  if (r.ok()) {
    recorded_ = base(SharedAction::Kind::kUnacknowledge, by);
    recorded_->alert_id = alert_id;
  }
  return r;
}

absl::StatusOr<Alert> ActionRecorder::resolve(const std::string& alert_id, const std::string& by,
                                              const std::string& note) {
  auto r = target_.resolve(alert_id, by, note);
  if (r.ok()) {
    recorded_ = base(SharedAction::Kind::kResolve, by);
    recorded_->alert_id = alert_id;
    recorded_->note = note;
  }
  return r;
}

absl::StatusOr<Silence> ActionRecorder::addSilence(Silence silence, const std::string& by) {
  auto r = target_.addSilence(std::move(silence), by);
  if (r.ok()) {
    recorded_ = base(SharedAction::Kind::kAddSilence, by);
    recorded_->silence = *r;  // with the id, start and author the workflow gave it
  }
  return r;
}

absl::Status ActionRecorder::expireSilence(const std::string& silence_id, const std::string& by) {
  absl::Status s = target_.expireSilence(silence_id, by);
  if (s.ok()) {
    recorded_ = base(SharedAction::Kind::kExpireSilence, by);
    recorded_->silence_id = silence_id;
  }
  return s;
}

}  // namespace casewatch
