// An Alert in the snapshot's binary form (base/state_archive.h): every field, so that a loaded
// alert is equal to the saved one (texts in every locale, evidence revision included).
#pragma once

#include "alerts/alert.h"
#include "base/state_archive.h"

namespace casewatch {

void saveAlert(ArchiveOut& out, const Alert& a);
bool loadAlert(ArchiveIn& in, Alert& a);
void saveLocalText(ArchiveOut& out, const LocalText& t);
bool loadLocalText(ArchiveIn& in, LocalText& t);
// A change with its routing (kind, actor, note, at, notify, notice, seq); not its encoding, which
// is made again when it is recorded or sent.
void saveAlertChange(ArchiveOut& out, const AlertChange& c);
bool loadAlertChange(ArchiveIn& in, AlertChange& c);

}  // namespace casewatch
