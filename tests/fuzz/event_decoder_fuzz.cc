// libFuzzer target for EventDecoder (built by tests/fuzz/run_fuzz.sh, not by CMake).
//
// Besides "no crash, no sanitizer report", it checks properties that a plain crash search misses:
//  - a decoded event satisfies the contract (lengths, required fields per type, enum ranges);
//  - every accepted message is valid JSON by an independent parser (nlohmann), and every message
//    that parser rejects is rejected as invalid_json (or too_large): On-Demand parses lazily, so
//    this guards the decoder's own walk over skipped values;
//  - decoding is deterministic across decoder reuse.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "connectors/decode/event_decoder.h"

namespace {

using casewatch::CaseEvent;
using casewatch::DecodeError;
using casewatch::EventType;
using casewatch::RejectReason;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

bool needsPersons(EventType t) {
  return t == EventType::kRegistered || t == EventType::kVisit;
}

void checkDecoded(const CaseEvent& e, const casewatch::DecoderLimits& limits) {
  check(!e.event_id.empty() && e.event_id.size() <= 128, "event_id length");
  check(!e.source.empty() && e.source.size() <= 64, "source length");
  check(e.case_id.size() <= 128, "case_id length");
  check(e.type == EventType::kVisit || !e.case_id.empty(), "case_id required");
  check(static_cast<size_t>(e.type) < casewatch::kEventTypeCount, "type in range");
  if (needsPersons(e.type)) {
    check(!e.persons.empty() && e.persons.size() <= limits.max_persons, "persons count");
    check(!e.matter.empty() && e.matter.size() <= limits.max_string_bytes, "matter");
    check(!e.region.empty(), "region");
    check(e.level != casewatch::Level::kUnknown, "level");
    check(e.group_size <= 1'000'000, "group_size");
  } else {
    check(e.persons.empty(), "persons only on registered/visit");
  }
  if (e.type == EventType::kRegistered) {
    check(!e.agency.empty() && !e.category.empty(), "agency/category");
    check(e.channel != casewatch::Channel::kUnknown, "channel");
  }
  if (e.type == EventType::kExtended) check(e.days >= 1 && e.days <= 30, "days");
  if (e.type == EventType::kReplied || e.type == EventType::kReviewDecided ||
      e.type == EventType::kRecheckDecided) {
    check(e.outcome != casewatch::Outcome::kUnknown, "outcome");
  }
  if (e.type == EventType::kTransferred) check(!e.to_agency.empty(), "to_agency");
  if (e.type == EventType::kLeaderAssigned) check(!e.leader.empty(), "leader");
  if (e.has_amount) check(e.amount >= 0, "amount");
}

bool sameEvent(const CaseEvent& a, const CaseEvent& b) {
  return a.type == b.type && a.ts == b.ts && a.seq == b.seq && a.has_seq == b.has_seq &&
         a.event_id == b.event_id && a.source == b.source && a.case_id == b.case_id &&
         a.persons == b.persons && a.matter == b.matter && a.region == b.region &&
         a.agency == b.agency && a.category == b.category && a.channel == b.channel &&
         a.level == b.level && a.competent_level == b.competent_level &&
         a.group_size == b.group_size && a.to_agency == b.to_agency && a.to_level == b.to_level &&
         a.days == b.days && a.outcome == b.outcome && a.leader == b.leader &&
         a.has_amount == b.has_amount && (a.amount == b.amount) && a.resolved == b.resolved &&
         a.satisfaction == b.satisfaction && a.reason == b.reason;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const casewatch::Pseudonymizer pseudonymizer(casewatch::Pseudonymizer::demoKey());
  static const casewatch::DecoderLimits limits{.max_message_bytes = 16 * 1024, .max_persons = 50};
  static casewatch::EventDecoder decoder(pseudonymizer, limits);

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CaseEvent event;
  DecodeError error;
  const bool ok = decoder.decode(input, event, error);

  if (ok) {
    check(error.reason == RejectReason::kNone && error.field.empty(), "clean error on success");
    checkDecoded(event, limits);
  } else {
    check(error.reason != RejectReason::kNone && error.reason != RejectReason::kOrphanExpired,
          "a decoder reason on failure");
    check(!error.message().empty(), "message");
  }

  if (size <= limits.max_message_bytes) {
    // nlohmann's accept() is iterative (no recursion limit to hit) and never throws.
    const bool valid = nlohmann::json::accept(input.begin(), input.end());
    if (ok) check(valid, "accepted input is valid JSON");
    if (!valid) check(!ok && error.reason == RejectReason::kInvalidJson, "invalid JSON rejected");
  } else {
    check(!ok && error.reason == RejectReason::kTooLarge, "too_large");
  }

  // Same input again, into a dirty event: same answer.
  CaseEvent again = event;
  again.matter = "left over";
  DecodeError error2;
  const bool ok2 = decoder.decode(input, again, error2);
  check(ok2 == ok && error2.reason == error.reason && error2.field == error.field,
        "deterministic outcome");
  if (ok) check(sameEvent(event, again), "deterministic event");
  return 0;
}
