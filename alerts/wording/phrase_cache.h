// The alert book's words: AlertWording behind a cache of the phrases worded lately, so that a
// phrase said again (the same template, the same values) costs a hash and a reference count
// instead of rendering its template in every language.
//
// Why. A signal whose evidence changed is worded whole, but most of its phrases are the same as at
// its last signal or as on another alert: the rules a case entered the key-case ledger for, "3
// events on the case while unowned (orange from 5)" on many cases, an owner idle for the same
// days, a tier's or a step's name. Wording was 15% of a replay's CPU (perf, 918,795 events,
// 313,546 signals worded, about 5 µs each); the figures of the cache are in README's "How it is
// built".
//
// How. Direct-mapped: a phrase's absl::Hash picks one slot, which keeps that hash and the words.
// A miss words the phrase and takes the slot. Two different phrases with one 64-bit hash (about
// 2^-64 a lookup) would share words, the risk the book already takes with its evidence hashes.
// Texts are shared (base/local_text.h): a hit copies a reference.
//
// Not thread-safe: owned by the alert book, on the pipeline's thread.
#pragma once

#include <cstdint>
#include <vector>

#include "alerts/alert.h"
#include "alerts/wording/alert_wording.h"
#include "models/phrase.h"
#include "models/signal.h"

namespace casewatch {

class PhraseCache {
 public:
  // `slots` is rounded up to a power of two.
  explicit PhraseCache(size_t slots = size_t{1} << 14);

  // The wording to use (must outlive the cache; null = the built-in templates). Forgets every
  // cached phrase: the same phrase reads otherwise under other templates.
  void setWording(const AlertWording* wording);
  const AlertWording& wording() const { return *wording_; }

  // The phrase in every locale, as AlertWording::say words it.
  LocalText say(const Phrase& phrase);
  // The texts of an alert from the signal's reasons, as AlertWording::reasons words them.
  std::vector<AlertReason> reasons(std::vector<Reason>&& reasons);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty (hashes are kept odd)
    LocalText words;
  };
  const AlertWording* wording_;
  std::vector<Slot> slots_;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace casewatch
