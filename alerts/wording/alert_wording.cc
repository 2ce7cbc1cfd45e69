#include "alerts/wording/alert_wording.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include "absl/container/inlined_vector.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

using ArgKind = MessageCatalog::ArgKind;

// Splits a template (checked when the catalog was loaded) into pieces.
template <class Piece>
void compile(const std::string& tpl, const std::vector<std::pair<std::string, ArgKind>>& args,
             std::vector<Piece>& out) {
  Piece p;
  for (size_t i = 0; i < tpl.size(); ++i) {
    const char c = tpl[i];
    if ((c == '{' || c == '}') && i + 1 < tpl.size() && tpl[i + 1] == c) {
      p.literal += c;  // "{{" or "}}"
      ++i;
      continue;
    }
    if (c != '{') {
      p.literal += c;
      continue;
    }
    size_t close = tpl.find('}', i);
    if (close == std::string::npos) close = tpl.size();  // cannot pass the load-time check
    const std::string inner = tpl.substr(i + 1, close - i - 1);
    const size_t colon = inner.find(':');
    const std::string name = inner.substr(0, colon);
    p.arg = -1;
    for (size_t k = 0; k < args.size(); ++k) {
      if (args[k].first == name) p.arg = static_cast<int>(k);
    }
    p.spec = colon == std::string::npos ? "{}" : strCat("{", inner.substr(colon), "}");
    p.plain = p.spec == "{}";
    out.push_back(std::move(p));
    p = Piece();
    i = close;
  }
  out.push_back(std::move(p));  // the tail
}

// Appends one placeholder's value, converted to the entry's declared kind (so that the spec that
// passed the load-time check fits). `words` holds the value of a nested phrase or list.
void appendValue(std::string& out, const std::string& spec, bool plain, ArgKind kind,
                 const PhraseArg& a, const std::string* words) {
  // "{}" (most placeholders): appended without parsing a format at run time.
  auto put = [&](const auto& v) {
    using V = std::decay_t<decltype(v)>;
    if (plain) {
      if constexpr (std::is_same_v<V, std::string_view>) {
        out.append(v);
      } else if constexpr (std::is_integral_v<V>) {
        out += fmt::format_int(v).str();
      } else {
        fmt::format_to(std::back_inserter(out), "{}", v);
      }
      return;
    }
    fmt::format_to(std::back_inserter(out), fmt::runtime(spec), v);
  };
  switch (a.kind) {
    case PhraseArg::Kind::kInt:
      if (kind == ArgKind::kNumber)
        put(static_cast<double>(a.integer));
      else
        put(a.integer);
      break;
    case PhraseArg::Kind::kNumber:
      if (kind == ArgKind::kInt)
        put(static_cast<int64_t>(std::llround(a.number)));
      else
        put(a.number);
      break;
    case PhraseArg::Kind::kText:
      put(std::string_view(a.text));
      break;
    case PhraseArg::Kind::kPhrase:
    case PhraseArg::Kind::kList:
      put(std::string_view(*words));
      break;
  }
}

}  // namespace

AlertWording::AlertWording(const MessageCatalog& catalog) : locales_(catalog.locales()) {
  for (const auto& [key, e] : catalog.entries()) {
    Template& t = templates_[key];
    t.args = e.args;
    // A locale the entry lacks is worded from the English template (check-config names these).
    for (const std::string& locale : locales_) {
      const std::string& tpl = e.text.get(locale);
      t.text.set(locale, tpl);
      compile(tpl, e.args, t.pieces.emplace_back());
    }
  }
}

const AlertWording& AlertWording::builtin() {
  static const AlertWording kBuiltin(MessageCatalog::builtin());
  return kBuiltin;
}

LocalText AlertWording::say(const Phrase& phrase) const {
  if (phrase.empty()) return {};
  auto it = templates_.find(phrase.key);
  if (it == templates_.end()) {
    if (phrase.fallback) return LocalText::same(locales_, *phrase.fallback);
    return LocalText::same(locales_, strCat("[", phrase.key, "]"));
  }
  const Template& t = it->second;
  if (t.args.empty()) return t.text;
  // Nested phrases and lists are worded first, in every language.
  absl::InlinedVector<LocalText, 8> nested(phrase.args.size());
  for (size_t i = 0; i < phrase.args.size(); ++i) {
    const PhraseArg& a = phrase.args[i];
    if (a.kind == PhraseArg::Kind::kPhrase) nested[i] = say(a.phrases.front());
    if (a.kind == PhraseArg::Kind::kList) nested[i] = sayList(a);
  }
  // One language; false when a placeholder the template uses was not given.
  // Nested texts were worded in the order of locales_, so the i-th locale's text is the i-th.
  auto render = [&](const std::vector<Piece>& pieces, size_t locale, std::string& out) {
    for (const Piece& p : pieces) {
      out += p.literal;
      if (p.arg < 0) continue;
      const auto& [name, kind] = t.args[static_cast<size_t>(p.arg)];
      // Models mostly give the values in the template's order: try that place first.
      size_t found = static_cast<size_t>(p.arg);
      if (found >= phrase.args.size() || phrase.args[found].name != name) {
        found = phrase.args.size();
        for (size_t i = 0; i < phrase.args.size(); ++i) {
          if (name == phrase.args[i].name) found = i;
        }
        if (found == phrase.args.size()) return false;
      }
      appendValue(out, p.spec, p.plain, kind, phrase.args[found], &nested[found].textAt(locale));
    }
    return true;
  };
  LocalText out;
  try {
    for (size_t i = 0; i < locales_.size(); ++i) {
      std::string text;
      text.reserve(t.text.textAt(i).size() + 32);
      if (!render(t.pieces[i], i, text)) return t.text;
      out.append(locales_[i], std::move(text));
    }
    return out;
  } catch (const fmt::format_error&) {
  }
  // A placeholder the model did not give (a bug): the template as it stands says enough.
  return t.text;
}

LocalText AlertWording::sayList(const PhraseArg& list) const {
  if (list.phrases.empty()) return {};
  const LocalText separator = say(Phrase(list.text));
  absl::InlinedVector<LocalText, 8> items;
  for (const Phrase& item : list.phrases) items.push_back(say(item));
  LocalText out;
  for (size_t i = 0; i < locales_.size(); ++i) {
    std::string text;
    for (const LocalText& words : items) {
      if (!text.empty()) text += separator.textAt(i);
      text += words.textAt(i);
    }
    out.append(locales_[i], std::move(text));
  }
  return out;
}

std::string AlertWording::actionText(Action a, std::string_view locale) const {
  return say(Phrase(strCat("action.", actionName(a)))).get(locale);
}

}  // namespace casewatch
