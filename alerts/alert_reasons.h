// The evidence an alert shows: its reasons, each a code, a figure and its words in every locale.
//
// AlertReasons is a value type whose copies share one list until one of them changes it (copy on
// write, as LocalText does with its texts). An alert is copied whole for each change it publishes
// (the book's change, the workflow's entry, the published change), and the reasons were most of
// that copy: a list to allocate and a code to copy per reason (most codes are longer than a
// string's inline 15 bytes). Shared, a copy is one reference count, and the book's alert, the
// workflow's and every published change hold the same list.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "base/local_text.h"

namespace casewatch {

// One piece of evidence as the alert shows it: `days_overdue = 12`, worded in every locale of the
// templates (alerts/wording/phrase_cache.h words a signal's reasons into these).
struct AlertReason {
  std::string code;
  double number = 0;
  std::string string_value;  // used instead of `number` when non-empty
  LocalText text;            // JSON `text` (the configured locale's) and `text_<locale>` each

  friend bool operator==(const AlertReason&, const AlertReason&) = default;
};

class AlertReasons {
 public:
  using List = std::vector<AlertReason>;

  AlertReasons() = default;
  AlertReasons(List items)  // NOLINT(google-explicit-constructor): a worded list is the reasons
      : items_(items.empty() ? nullptr : std::make_shared<List>(std::move(items))) {}
  AlertReasons(std::initializer_list<AlertReason> items) : AlertReasons(List(items)) {}

  // Reading: never copies.
  bool empty() const { return size() == 0; }
  size_t size() const { return items_ ? items_->size() : 0; }
  List::const_iterator begin() const { return items().begin(); }
  List::const_iterator end() const { return items().end(); }
  const AlertReason& operator[](size_t i) const { return items()[i]; }
  const AlertReason& at(size_t i) const { return items().at(i); }
  const AlertReason& front() const { return items().front(); }
  const AlertReason& back() const { return items().back(); }
  const List& items() const;

  // Changing: the list is copied first while another AlertReasons shares it. There is no
  // non-const begin(), so that reading through a non-const alert never copies.
  AlertReason& operator[](size_t i) { return edit()[i]; }
  void push_back(AlertReason r) { edit().push_back(std::move(r)); }
  void clear() { items_.reset(); }
  // The list to change in place.
  List& edit();

  friend bool operator==(const AlertReasons& a, const AlertReasons& b) {
    return a.items_ == b.items_ || a.items() == b.items();
  }

 private:
  std::shared_ptr<List> items_;  // null: none
};

}  // namespace casewatch
