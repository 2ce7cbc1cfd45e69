// A fluent builder of decoded feed events (connectors/decode/case_event.h) for tests, so a test
// states only the fields it cares about:
//
//   CaseEvent ev = EventBuilder::registered("C-1",
//   "2026-03-04T09:15:00+08:00").agency("a").build(); CaseEvent ac =
//   EventBuilder::of(EventType::kAccepted, "C-1", "2026-03-05T10:00:00+08:00");
//
// Defaults: a registered case has one person and a matter of its own (both derived from the case
// id, so distinct cases do not look like repeat or collective petitions to the other models),
// region "520302", agency "agency-a", category "other", channel letter, level county. The event id
// defaults to a deterministic
// "<case>/<type>/<ts ms>", so two builders for the same event make duplicates on purpose only.
// `timeOf()` parses an RFC 3339 literal and fails the current test when it does not parse.
//
// Header-only; no state shared between tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.h"
#include "connectors/decode/case_event.h"

namespace casewatch::testing {

// The instant an RFC 3339 literal names; a malformed literal is a test bug (reported, returns 0).
inline TimeMs timeOf(std::string_view rfc3339) {
  const auto t = parseRfc3339(rfc3339);
  if (!t) {
    ADD_FAILURE() << "not an RFC 3339 time: " << rfc3339;
    return 0;
  }
  return *t;
}

class EventBuilder {
 public:
  static EventBuilder of(EventType type, std::string case_id, TimeMs ts) {
    EventBuilder b;
    b.ev_.type = type;
    b.ev_.case_id = std::move(case_id);
    b.ev_.ts = ts;
    b.ev_.source = "test-feed";
    if (type == EventType::kRegistered || type == EventType::kVisit) {
      b.ev_.persons = {personOf(b.ev_.case_id)};
      b.ev_.matter = "m:" + b.ev_.case_id;
      b.ev_.region = "520302";
      b.ev_.level = Level::kCounty;
    }
    if (type == EventType::kRegistered) {
      b.ev_.agency = "agency-a";
      b.ev_.category = "other";
      b.ev_.channel = Channel::kLetter;
    }
    if (type == EventType::kReplied || type == EventType::kReviewDecided ||
        type == EventType::kRecheckDecided) {
      b.ev_.outcome = Outcome::kUpheld;
    }
    return b;
  }
  static EventBuilder of(EventType type, std::string case_id, std::string_view ts) {
    return of(type, std::move(case_id), timeOf(ts));
  }
  // A stable stand-in pseudonym for the person behind a case (FNV-1a of the case id).
  static PersonId personOf(std::string_view case_id) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char c : case_id) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ull;
    }
    return h;
  }
  static EventBuilder registered(std::string case_id, std::string_view ts) {
    return of(EventType::kRegistered, std::move(case_id), ts);
  }
  static EventBuilder registered(std::string case_id, TimeMs ts) {
    return of(EventType::kRegistered, std::move(case_id), ts);
  }

  EventBuilder& id(std::string event_id) {
    ev_.event_id = std::move(event_id);
    return *this;
  }
  EventBuilder& ts(TimeMs t) {
    ev_.ts = t;
    return *this;
  }
  EventBuilder& ts(std::string_view t) { return ts(timeOf(t)); }
  EventBuilder& source(std::string s) {
    ev_.source = std::move(s);
    return *this;
  }
  EventBuilder& seq(uint64_t n) {
    ev_.seq = n;
    ev_.has_seq = true;
    return *this;
  }
  EventBuilder& persons(std::vector<PersonId> p) {
    ev_.persons = std::move(p);
    return *this;
  }
  EventBuilder& matter(std::string m) {
    ev_.matter = std::move(m);
    return *this;
  }
  EventBuilder& region(std::string r) {
    ev_.region = std::move(r);
    return *this;
  }
  EventBuilder& agency(std::string a) {
    ev_.agency = std::move(a);
    return *this;
  }
  EventBuilder& category(std::string c) {
    ev_.category = std::move(c);
    return *this;
  }
  EventBuilder& channel(Channel c) {
    ev_.channel = c;
    return *this;
  }
  EventBuilder& level(Level l) {
    ev_.level = l;
    return *this;
  }
  EventBuilder& competentLevel(Level l) {
    ev_.competent_level = l;
    return *this;
  }
  EventBuilder& groupSize(uint32_t n) {
    ev_.group_size = n;
    return *this;
  }
  EventBuilder& toAgency(std::string a, Level l = Level::kUnknown) {
    ev_.to_agency = std::move(a);
    ev_.to_level = l;
    return *this;
  }
  EventBuilder& days(int32_t d) {
    ev_.days = d;
    return *this;
  }
  EventBuilder& outcome(Outcome o) {
    ev_.outcome = o;
    return *this;
  }
  EventBuilder& leader(std::string l) {
    ev_.leader = std::move(l);
    return *this;
  }
  EventBuilder& amount(double a) {
    ev_.amount = a;
    ev_.has_amount = true;
    return *this;
  }
  EventBuilder& resolved(bool r, Satisfaction s = Satisfaction::kUnknown) {
    ev_.resolved = r;
    ev_.satisfaction = s;
    return *this;
  }
  EventBuilder& reason(std::string r) {
    ev_.reason = std::move(r);
    return *this;
  }

  CaseEvent build() const {
    CaseEvent out = ev_;
    if (out.event_id.empty()) {
      out.event_id =
          out.case_id + "/" + std::string(eventTypeName(out.type)) + "/" + std::to_string(out.ts);
    }
    return out;
  }
  operator CaseEvent() const { return build(); }  // NOLINT: a builder converts implicitly

 private:
  EventBuilder() = default;
  CaseEvent ev_;
};

}  // namespace casewatch::testing
