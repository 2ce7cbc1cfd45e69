// Renders GenEvents as contract JSON (shared/contracts/events.md, v1): one object per line, the
// common fields first (v, event_id, source, seq, type, ts, case_id), then the type's fields.
// Timestamps are local time with the +08:00 offset, seconds precision.
//
// Every string it writes comes from the generator's own ASCII tables and number formats, so no
// JSON escaping is needed. Written by hand (not nlohmann) because a million-case feed renders ten
// million events.
//
// Thread-safety: keeps a small date cache; one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.h"
#include "tools/feedgen/stream.h"
#include "tools/feedgen/world.h"

namespace casewatch::feedgen {

class EventWriter {
 public:
  EventWriter(const World& world, uint64_t seed, bool raw_persons);

  // Appends the event's JSON (no newline) to `out`. `kase` is the case the event belongs to or
  // cites (null for a visit without one); `matter` is the visit's matter.
  void render(const GenEvent& e, const CaseInfo* kase, const MatterRef& matter,
              std::string_view source, uint64_t seq, std::string& out);

  // "p:<16 hex>" (already pseudonymous), or with raw_persons "id:<10 digits>" (a raw id the daemon
  // must pseudonymise). Distinct numbers give distinct ids.
  void appendPersonId(std::string& out, uint64_t person) const;
  std::string personId(uint64_t person) const;
  // "m:<region code>-<category>-<number>" or, for a collective matter,
  // "m:<code>-<category>-site-<n>".
  void appendMatter(std::string& out, const MatterRef& m) const;
  std::string matterKey(const MatterRef& m) const;
  // "<prefix>-<year>-<number>", e.g. "HC-2026-000123".
  std::string caseId(uint16_t region, TimeMs registered, uint64_t number) const;
  // RFC 3339 in +08:00.
  void appendTs(std::string& out, TimeMs t);
  static std::string formatTs(TimeMs t);

 private:
  const World& world_;
  uint64_t seed_;
  uint64_t person_key_;
  bool raw_persons_;
  int64_t cached_day_ = INT64_MIN;
  char cached_date_[11] = {};
};

}  // namespace casewatch::feedgen
