// A CaseEvent in the snapshot's binary form (base/state_archive.h): for the few events state
// holds as they arrived (orphans waiting for their case).
#pragma once

#include "base/state_archive.h"
#include "connectors/decode/case_event.h"

namespace casewatch {

void saveEvent(ArchiveOut& out, const CaseEvent& ev);
bool loadEvent(ArchiveIn& in, CaseEvent& ev);

}  // namespace casewatch
