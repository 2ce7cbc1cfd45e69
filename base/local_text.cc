#include "base/local_text.h"

#include <algorithm>

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

const std::string* LocalText::find(std::string_view locale) const {
  for (const Item& item : items_) {
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
  auto it = std::find_if(items_.begin(), items_.end(), [&](const Item& item) {
    return item.first == locale || localeBefore(locale, item.first);
  });
  if (it != items_.end() && it->first == locale) {
    it->second = std::move(text);
    return;
  }
  items_.insert(it, Item(std::string(locale), std::move(text)));
}

}  // namespace casewatch
