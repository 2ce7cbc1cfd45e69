// The alert texts: words what models said (models/phrase.h) in every language of the message
// templates, whatever languages they hold (alerts/wording/messages.yaml, loaded by
// config/message_catalog.h). This is the one place where alert texts are made; the alert book calls
// it when a signal becomes an alert, so text is made only for signals, never per event.
//
// Each template is split once, when the wording is built, into literal text and placeholders, so
// that wording a phrase only appends (fmt's dynamic named-argument store cost about 2 µs per alert
// text in models_bench, more than the models' own work).
//
// Immutable once built; say() never throws: a key the templates lack reads "[key]" (a bug that the
// models' tests catch), and a phrase missing a placeholder's value reads as its template.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "alerts/alert.h"
#include "config/message_catalog.h"
#include "models/phrase.h"
#include "models/signal.h"

namespace casewatch {

class AlertWording {
 public:
  explicit AlertWording(const MessageCatalog& catalog);
  // The wording of the built-in templates.
  static const AlertWording& builtin();

  // The locales it words in (the catalog's: en, zh-CN, then the added ones).
  const std::vector<std::string>& locales() const { return locales_; }
  // The phrase in every locale.
  LocalText say(const Phrase& phrase) const;
  // An action's text in `locale` ("en", "zh-CN", ...; English for a locale it lacks).
  std::string actionText(Action a, std::string_view locale) const;

 private:
  struct Piece {
    std::string literal;  // text before the placeholder (braces unescaped)
    int arg = -1;         // index into Template::args; -1 = none (the template's tail)
    std::string spec;     // "{}" or "{:.3f}": the placeholder's own format
    bool plain = true;    // spec is "{}": appended without a run-time format parse
  };
  struct Template {
    std::vector<std::pair<std::string, MessageCatalog::ArgKind>> args;
    LocalText text;                          // in every locale (English where one has none)
    std::vector<std::vector<Piece>> pieces;  // per locale, in the order of locales_
  };

  LocalText sayList(const PhraseArg& list) const;

  std::vector<std::string> locales_;
  absl::flat_hash_map<std::string, Template> templates_;  // by template key
};

}  // namespace casewatch
