// The texts an alert shows for a signal: models say what in phrases (models/phrase.h), and their
// tests read the words through the same wording as the alert book (alerts/wording/), by the book's
// own path (a PhraseCache of one slot).
//
// Header-only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "alerts/wording/phrase_cache.h"
#include "models/signal.h"

namespace casewatch::testing {

struct WordedSignal {
  LocalText summary;
  std::vector<AlertReason> reasons;

  // The reason with `code`, or null.
  const AlertReason* reason(std::string_view code) const {
    for (const AlertReason& r : reasons) {
      if (r.code == code) return &r;
    }
    return nullptr;
  }
};

inline WordedSignal worded(const Signal& s, const AlertWording& wording = AlertWording::builtin()) {
  PhraseCache words(1);
  words.setWording(&wording);
  WordedSignal w;
  w.summary = words.say(s.summary);
  w.reasons = words.reasons(std::vector<Reason>(s.reasons));
  return w;
}

// One reason as the alert shows it.
inline AlertReason worded(const Reason& r, const AlertWording& wording = AlertWording::builtin()) {
  PhraseCache words(1);
  words.setWording(&wording);
  return words.reasons({r}).front();
}

// A phrase that says `text` as is in every language (a test's signal, without a template).
inline Phrase sayAsIs(std::string text) {
  Phrase p("test.as_is");
  p.fallback = std::move(text);
  return p;
}

}  // namespace casewatch::testing
