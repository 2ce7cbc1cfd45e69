// What a model wants said, in no language: the key of a message template (the alert texts'
// templates, alerts/wording/messages.yaml) and the typed values of its placeholders. Models report
// facts and phrases; alerts/wording/alert_wording.h words them in every language of the templates,
// so that a new language is a new template file and no model changes.
//
// A placeholder's value is a number, a text given as is (an id, a date, a code), a phrase of its
// own (a step's or a tier's name) or a list of phrases joined by a separator template. Values are
// copied into the phrase: it outlives the model's state it was built from.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace casewatch {

struct Phrase;

// Phrases joined by the words of the template `separator` (", " / "、").
struct PhraseList {
  std::string separator;
  std::vector<Phrase> items;
};

// One placeholder's value. `name` is a string literal (it outlives the phrase).
struct PhraseArg {
  enum class Kind : uint8_t { kInt, kNumber, kText, kPhrase, kList };
  std::string_view name;  // a literal: compared by length first when worded
  Kind kind = Kind::kText;
  int64_t integer = 0;
  double number = 0;
  std::string text;             // kText; kList: the separator's template key
  std::vector<Phrase> phrases;  // kPhrase: the one phrase; kList: the items

  template <class T>
  requires std::is_integral_v<T> PhraseArg(const char* n, T v)
      : name(n), kind(Kind::kInt), integer(static_cast<int64_t>(v)) {}
  template <class T>
  requires std::is_floating_point_v<T> PhraseArg(const char* n, T v)
      : name(n), kind(Kind::kNumber), number(static_cast<double>(v)) {}
  // Defined below Phrase: clang needs Phrase complete for `phrases`' destructor.
  PhraseArg(const char* n, std::string_view v);
  PhraseArg(const char* n, const std::string& v);
  PhraseArg(const char* n, const char* v);
  PhraseArg(const char* n, Phrase p);
  PhraseArg(const char* n, PhraseList list);

  // absl::Hash: the alert book words a signal only when its evidence changed (alert_book.cc).
  template <typename H>
  friend H AbslHashValue(H h, const PhraseArg& a) {
    return H::combine(std::move(h), a.name, a.kind, a.integer, a.number, a.text, a.phrases);
  }
};

struct Phrase {
  std::string key;  // empty: nothing to say (an empty text in every language)
  std::vector<PhraseArg> args;
  // Said as is in every language when the templates have no entry `key` (a category code that
  // the feed contract does not list); without it a missing key reads "[key]".
  std::optional<std::string> fallback;

  Phrase() = default;
  Phrase(std::string k, std::initializer_list<PhraseArg> a = {}) : key(std::move(k)), args(a) {}
  bool empty() const { return key.empty(); }

  template <typename H>
  friend H AbslHashValue(H h, const Phrase& p) {
    return H::combine(std::move(h), p.key, p.args, p.fallback);
  }
};

inline PhraseArg::PhraseArg(const char* n, std::string_view v)
    : name(n), kind(Kind::kText), text(v) {}
inline PhraseArg::PhraseArg(const char* n, const std::string& v)
    : name(n), kind(Kind::kText), text(v) {}
inline PhraseArg::PhraseArg(const char* n, const char* v) : name(n), kind(Kind::kText), text(v) {}
inline PhraseArg::PhraseArg(const char* n, Phrase p) : name(n), kind(Kind::kPhrase) {
  phrases.push_back(std::move(p));
}
inline PhraseArg::PhraseArg(const char* n, PhraseList list)
    : name(n), kind(Kind::kList), text(std::move(list.separator)), phrases(std::move(list.items)) {}

// A category code of the feed contract in words (`category.<code>`: "wage arrears" / "欠薪");
// a code the templates do not list reads as itself.
inline Phrase categoryPhrase(std::string_view code) {
  Phrase p(std::string("category.").append(code));
  p.fallback = std::string(code);
  return p;
}

}  // namespace casewatch
