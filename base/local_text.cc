#include "base/local_text.h"

#include <algorithm>

#include "base/copy_on_write.h"

namespace casewatch {
namespace {

int rank(std::string_view locale) {
  if (locale == "en") return 0;
  if (locale == "zh-CN") return 1;
  return 2;
}

}  // namespace

bool LocalText::localeBefore(std::string_view a, std::string_view b) {
  const int ra = rank(a), rb = rank(b);
  return ra != rb ? ra < rb : (ra == 2 && a < b);
}

const LocalText::Items& LocalText::items() const {
  return sharedOrEmpty(items_);
}

LocalText::Items& LocalText::mutableItems() {
  return writable(items_);
}

const std::string* LocalText::find(std::string_view locale) const {
  for (const Item& item : items()) {
    if (item.first == locale) return &item.second;
  }
  return nullptr;
}

const std::string& LocalText::get(std::string_view locale) const {
  static const std::string kNone;
  if (const std::string* t = find(locale)) return *t;
  if (const std::string* t = find("en")) return *t;
  return kNone;
}

void LocalText::set(std::string_view locale, std::string text) {
  Items& list = mutableItems();
  auto it = std::find_if(list.begin(), list.end(), [&](const Item& item) {
    return item.first == locale || localeBefore(locale, item.first);
  });
  if (it != list.end() && it->first == locale) {
    it->second = std::move(text);
    return;
  }
  list.insert(it, Item(std::string(locale), std::move(text)));
}

}  // namespace casewatch
