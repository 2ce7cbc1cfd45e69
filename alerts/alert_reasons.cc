#include "alerts/alert_reasons.h"

namespace casewatch {

const AlertReasons::List& AlertReasons::items() const {
  static const List kNone;
  return items_ ? *items_ : kNone;
}

AlertReasons::List& AlertReasons::edit() {
  // A count of 1 means no other owner (as in LocalText::mutableItems: a new owner could only be
  // copied from this object, here; owners dropping theirs on other threads only make it too high).
  if (!items_) {
    items_ = std::make_shared<List>();
  } else if (items_.use_count() > 1) {
    items_ = std::make_shared<List>(*items_);
  }
  return *items_;
}

}  // namespace casewatch
