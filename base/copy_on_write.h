// Copy on write for value types whose copies share their content through a std::shared_ptr
// (LocalText's texts, an alert's reasons): reading takes the shared object, changing takes it
// alone first.
#pragma once

#include <memory>

namespace casewatch {

// The shared object, or an empty one when there is none.
template <class T>
const T& sharedOrEmpty(const std::shared_ptr<T>& p) {
  static const T kNone;
  return p ? *p : kNone;
}

// The object to change: made when there is none, copied first while another owner shares it.
// A count of 1 means no other owner (a new one could only be copied from this pointer, here);
// while other owners, on any thread, drop theirs the count is at worst too high: a needless copy.
template <class T>
T& writable(std::shared_ptr<T>& p) {
  if (!p) {
    p = std::make_shared<T>();
  } else if (p.use_count() > 1) {
    p = std::make_shared<T>(*p);
  }
  return *p;
}

}  // namespace casewatch
