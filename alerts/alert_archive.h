// An Alert in the snapshot's binary form (base/state_archive.h): every field, so that a loaded
// alert is equal to the saved one (texts in every locale, evidence revision included).
#pragma once

#include "alerts/alert.h"
#include "base/state_archive.h"

namespace casewatch {

// kAsInBook leaves out the evidence's texts (reasons, actions, summary) of an alert that holds the
// alert book's, as the workflow's does when its texts are the book's: the loader copies them from
// the book. Alerts' texts are most of a snapshot: at a million cases (200k active alerts), the
// book's part is 305 MB and the workflow's went from 353 to 246 MB of 1,015 (907) MB; the rest
// of the workflow's alerts show evidence older than the book's latest.
enum class AlertEvidence : uint8_t { kSaved, kAsInBook };
void saveAlert(ArchiveOut& out, const Alert& a, AlertEvidence evidence = AlertEvidence::kSaved);
// `evidence` (when given) says how it was saved; without it, an alert saved kAsInBook is refused.
bool loadAlert(ArchiveIn& in, Alert& a, AlertEvidence* evidence = nullptr);
void saveLocalText(ArchiveOut& out, const LocalText& t);
bool loadLocalText(ArchiveIn& in, LocalText& t);
// A change with its routing (kind, actor, note, at, notify, notice, seq); not its encoding, which
// is made again when it is recorded or sent.
void saveAlertChange(ArchiveOut& out, const AlertChange& c);
bool loadAlertChange(ArchiveIn& in, AlertChange& c);

}  // namespace casewatch
