#include "alerts/alert_archive.h"

namespace casewatch {

void saveLocalText(ArchiveOut& out, const LocalText& t) {
  out.count(t.size());
  for (const auto& [locale, text] : t) {
    out.str(locale);
    out.str(text);
  }
}

bool loadLocalText(ArchiveIn& in, LocalText& t) {
  t = LocalText();
  size_t n = 0;
  if (!in.count(n, 16)) return false;
  std::string locale, text;
  for (size_t i = 0; i < n && in.str(locale) && in.str(text); ++i) {
    t.append(locale, std::move(text));
  }
  return in.ok();
}

void saveAlert(ArchiveOut& out, const Alert& a, AlertEvidence evidence) {
  out.str(a.alert_id);
  out.pod(a.status);
  out.str(a.model);
  out.pod(a.tier);
  out.pod(a.subject_kind);
  out.str(a.subject_id);
  out.pod(a.score);
  out.str(a.region);
  out.str(a.agency);
  out.str(a.category);
  out.pod(a.starts_at);
  out.pod(a.updated_at);
  out.pod(evidence);
  if (evidence == AlertEvidence::kSaved) {
    out.count(a.reasons.size());
    for (const AlertReason& r : a.reasons) {
      out.str(r.code);
      out.pod(r.number);
      out.str(r.string_value);
      saveLocalText(out, r.text);
    }
    out.pods(a.actions);
    saveLocalText(out, a.summary);
  }
  out.pod(a.escalation.has_value());
  if (a.escalation) {
    out.pod(a.escalation->level);
    out.str(a.escalation->target);
    out.pod(a.escalation->at);
    out.pod(a.escalation->reminded_at);
  }
  out.pod(a.ack.has_value());
  if (a.ack) {
    out.str(a.ack->by);
    out.pod(a.ack->at);
    out.str(a.ack->note);
  }
  out.str(a.group_id);
  out.str(a.inhibited_by);
  out.str(a.silenced_by);
  out.pod(a.evidence_rev);
}

bool loadAlert(ArchiveIn& in, Alert& a, AlertEvidence* evidence) {
  a = Alert();
  in.str(a.alert_id);
  in.pod(a.status);
  in.str(a.model);
  in.pod(a.tier);
  in.pod(a.subject_kind);
  in.str(a.subject_id);
  in.pod(a.score);
  in.str(a.region);
  in.str(a.agency);
  in.str(a.category);
  in.pod(a.starts_at);
  in.pod(a.updated_at);
  const auto saved = in.get<AlertEvidence>();
  if (saved == AlertEvidence::kAsInBook) {
    if (evidence == nullptr) return in.fail();
  } else if (saved == AlertEvidence::kSaved) {
    size_t n = 0;
    if (!in.count(n, 16)) return false;
    AlertReasons::List& reasons = a.reasons.edit();
    reasons.resize(n);
    for (AlertReason& r : reasons) {
      in.str(r.code);
      in.pod(r.number);
      in.str(r.string_value);
      loadLocalText(in, r.text);
    }
    in.pods(a.actions);
    loadLocalText(in, a.summary);
  } else {
    return in.fail();
  }
  if (evidence != nullptr) *evidence = saved;
  if (in.get<bool>()) {
    AlertEscalation& e = a.escalation.emplace();
    in.pod(e.level);
    in.str(e.target);
    in.pod(e.at);
    in.pod(e.reminded_at);
  }
  if (in.get<bool>()) {
    AlertAck& k = a.ack.emplace();
    in.str(k.by);
    in.pod(k.at);
    in.str(k.note);
  }
  in.str(a.group_id);
  in.str(a.inhibited_by);
  in.str(a.silenced_by);
  in.pod(a.evidence_rev);
  return in.ok();
}

void saveAlertChange(ArchiveOut& out, const AlertChange& c) {
  saveAlert(out, c.alert);
  out.pod(c.kind);
  out.str(c.actor);
  out.str(c.note);
  out.pod(c.at);
  out.pod(c.notify);
  out.str(c.notice);
  out.pod(c.seq);
}

bool loadAlertChange(ArchiveIn& in, AlertChange& c) {
  c = AlertChange();
  if (!loadAlert(in, c.alert)) return false;
  in.pod(c.kind);
  in.str(c.actor);
  in.str(c.note);
  in.pod(c.at);
  in.pod(c.notify);
  in.str(c.notice);
  in.pod(c.seq);
  return in.ok() && static_cast<uint8_t>(c.kind) <= static_cast<uint8_t>(ChangeKind::kUpdated);
}

}  // namespace casewatch
