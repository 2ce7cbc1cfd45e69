// A text in every language of alerts: a small ordered set of (locale, text), e.g. {("en", "Case
// C-1 overdue"), ("zh-CN", "案件C-1逾期"), ("fr", "Dossier C-1 en retard")}.
//
// The order is fixed whatever the order of insertion: "en", then "zh-CN", then any other locale by
// name. Everything printed from it (the alert JSON's `summary` object, the reasons' `text_<locale>`
// keys) follows that order, so adding a language appends keys and leaves the existing ones where
// they were. A locale is a tag as the message templates name it ("en", "zh-CN", "fr", "pt-BR").
//
// A value type; made when an alert is worded (once per alert change), never per event. Its texts
// are shared, copy on write: an alert's change is copied for each publication (to the store, the
// bus, the API) and its evidence from the book into the workflow, and those copies only take a
// reference. Copying the texts themselves was 13% of a replay's CPU (perf, 918,795 events,
// 557,552 published changes); a copy is now one reference count.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/inlined_vector.h"

namespace casewatch {

class LocalText {
 public:
  using Item = std::pair<std::string, std::string>;  // (locale, text)

  LocalText() = default;
  // {{"en", "..."}, {"zh-CN", "..."}}, in any order.
  LocalText(std::initializer_list<Item> items) {
    for (const Item& item : items) set(item.first, item.second);
  }
  // The same text in each of `locales` (a text without a template, or a template's own text).
  template <class Locales>
  static LocalText same(const Locales& locales, std::string_view text) {
    LocalText out;
    for (const auto& l : locales) out.set(l, std::string(text));
    return out;
  }

  // The text in `locale`, or null.
  const std::string* find(std::string_view locale) const;
  // The text in `locale`; the English one when it has none (and "" without that either).
  const std::string& get(std::string_view locale) const;
  // Sets the text in `locale`, adding the locale in its place when new.
  void set(std::string_view locale, std::string text);
  // Adds the text in a locale that sorts after every locale present (the caller walks locales in
  // the fixed order, as the wording does): no search.
  void append(std::string_view locale, std::string text) {
    mutableItems().emplace_back(std::string(locale), std::move(text));
  }
  // The i-th text in the fixed order; the English one (or "") past the end.
  const std::string& textAt(size_t i) const { return i < size() ? (*items_)[i].second : get("en"); }

  bool empty() const { return size() == 0; }
  size_t size() const { return items_ ? items_->size() : 0; }
  auto begin() const { return items().begin(); }
  auto end() const { return items().end(); }
  friend bool operator==(const LocalText& a, const LocalText& b) {
    return a.items_ == b.items_ || a.items() == b.items();
  }

  // True when `a` sorts before `b` in the fixed order (en, zh-CN, then by name).
  static bool localeBefore(std::string_view a, std::string_view b);

 private:
  using Items = absl::InlinedVector<Item, 2>;
  const Items& items() const;
  // The items to change: a copy of them first while another LocalText shares them.
  Items& mutableItems();

  std::shared_ptr<Items> items_;  // null: no text; shared between copies until one changes
};

}  // namespace casewatch
