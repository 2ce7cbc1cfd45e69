#include "daemon/snapshot/state_digest.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "alerts/alert_archive.h"

namespace casewatch {
namespace {

class Digest {
 public:
  Digest() { crypto_generichash_init(&st_, nullptr, 0, 32); }
  void add(std::string_view s) {
    const uint64_t n = s.size();
    crypto_generichash_update(&st_, reinterpret_cast<const unsigned char*>(&n), sizeof n);
    crypto_generichash_update(&st_, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }
  template <typename T>
  void num(T v) {
    const auto x = static_cast<int64_t>(v);
    crypto_generichash_update(&st_, reinterpret_cast<const unsigned char*>(&x), sizeof x);
  }
  std::string hex() {
    unsigned char out[32];
    crypto_generichash_final(&st_, out, sizeof out);
    char text[65];
    sodium_bin2hex(text, sizeof text, out, sizeof out);
    return text;
  }

 private:
  crypto_generichash_state st_;
};

// An alert without its evidence revision (a counter of the process, not of the state).
std::string alertBytes(Alert a) {
  a.evidence_rev = 0;
  std::string out;
  ArchiveOut w(out);
  saveAlert(w, a);
  return out;
}

}  // namespace

StateDigestParts stateDigestParts(const Pipeline& pipeline, const AlertWorkflow& workflow) {
  StateDigestParts parts;
  const CaseStore& cases = pipeline.cases();
  const StringInterner& strings = cases.strings();
  {
    Digest d;
    d.num(cases.size());
    for (CaseIndex i = 0; i < cases.size(); ++i) {
      const Case& c = cases.at(i);
      d.add(cases.caseId(i));
      d.add(strings.name(c.region));
      d.add(strings.name(c.agency));
      d.add(strings.name(c.category));
      d.add(strings.name(c.matter));
      d.add(strings.name(c.leader));
      for (TimeMs t : {c.registered_at, c.last_event_at, c.closed_at}) d.num(t);
      for (TimeMs t : c.step_start) d.num(t);
      PersonId first = 0;
      for (PersonId p : cases.persons(i, first)) d.num(p);
      for (int64_t v : {int64_t{c.group_size}, int64_t{c.extension_days}, int64_t{c.pending_steps},
                        int64_t{c.saved_steps}, int64_t{c.flags}}) {
        d.num(v);
      }
      for (uint8_t v :
           {static_cast<uint8_t>(c.stage), static_cast<uint8_t>(c.channel),
            static_cast<uint8_t>(c.level), static_cast<uint8_t>(c.competent_level),
            static_cast<uint8_t>(c.last_outcome), static_cast<uint8_t>(c.satisfaction)}) {
        d.num(v);
      }
    }
    parts.cases = d.hex();
  }
  {
    Digest d;
    const VisitLog& visits = pipeline.visits();
    d.num(visits.size());
    std::vector<PersonId> scratch;
    for (const VisitRecord& v : visits.visits()) {
      d.num(v.ts);
      d.num(v.index);
      d.add(strings.name(v.matter));
      d.add(strings.name(v.region));
      d.num(v.group_size);
      for (PersonId p : visits.persons(v, scratch)) d.num(p);
    }
    parts.visits = d.hex();
  }
  {
    Digest d;
    d.num(pipeline.orphansWaiting());
    parts.orphans = d.hex();
  }
  {
    Digest d;
    std::vector<std::string> book;
    const_cast<Pipeline&>(pipeline).alerts().forEachActive(
        [&](const Alert& a) { book.push_back(alertBytes(a)); });
    std::sort(book.begin(), book.end());
    d.num(book.size());
    for (const auto& a : book) d.add(a);
    parts.alert_book = d.hex();
  }
  {
    Digest d;
    std::vector<std::string> shown;
    for (const Alert& a : workflow.activeAlerts()) shown.push_back(alertBytes(a));
    std::sort(shown.begin(), shown.end());
    d.num(shown.size());
    for (const auto& a : shown) d.add(a);
    parts.workflow = d.hex();
  }
  Digest all;
  for (const std::string* part :
       {&parts.cases, &parts.visits, &parts.orphans, &parts.alert_book, &parts.workflow}) {
    all.add(*part);
  }
  parts.digest = all.hex();
  return parts;
}

std::string stateDigest(const Pipeline& pipeline, const AlertWorkflow& workflow) {
  return stateDigestParts(pipeline, workflow).digest;
}

}  // namespace casewatch
