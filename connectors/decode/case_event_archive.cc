#include "connectors/decode/case_event_archive.h"

namespace casewatch {

void saveEvent(ArchiveOut& out, const CaseEvent& ev) {
  out.pod(ev.type);
  out.pod(ev.ts);
  out.pod(ev.seq);
  out.pod(ev.has_seq);
  out.str(ev.event_id);
  out.str(ev.source);
  out.str(ev.case_id);
  out.pods(ev.persons);
  out.str(ev.matter);
  out.str(ev.region);
  out.str(ev.agency);
  out.str(ev.category);
  out.pod(ev.channel);
  out.pod(ev.level);
  out.pod(ev.competent_level);
  out.pod(ev.group_size);
  out.str(ev.to_agency);
  out.pod(ev.to_level);
  out.pod(ev.days);
  out.pod(ev.outcome);
  out.str(ev.leader);
  out.pod(ev.amount);
  out.pod(ev.has_amount);
  out.pod(ev.resolved);
  out.pod(ev.satisfaction);
  out.str(ev.reason);
}

bool loadEvent(ArchiveIn& in, CaseEvent& ev) {
  ev.clear();
  in.pod(ev.type);
  in.pod(ev.ts);
  in.pod(ev.seq);
  in.pod(ev.has_seq);
  in.str(ev.event_id);
  in.str(ev.source);
  in.str(ev.case_id);
  in.pods(ev.persons);
  in.str(ev.matter);
  in.str(ev.region);
  in.str(ev.agency);
  in.str(ev.category);
  in.pod(ev.channel);
  in.pod(ev.level);
  in.pod(ev.competent_level);
  in.pod(ev.group_size);
  in.str(ev.to_agency);
  in.pod(ev.to_level);
  in.pod(ev.days);
  in.pod(ev.outcome);
  in.str(ev.leader);
  in.pod(ev.amount);
  in.pod(ev.has_amount);
  in.pod(ev.resolved);
  in.pod(ev.satisfaction);
  in.str(ev.reason);
  if (static_cast<size_t>(ev.type) >= kEventTypeCount) return in.fail();
  return in.ok();
}

}  // namespace casewatch
