#include "alerts/alert_reasons.h"

#include "base/copy_on_write.h"

namespace casewatch {

const AlertReasons::List& AlertReasons::items() const {
  return sharedOrEmpty(items_);
}

AlertReasons::List& AlertReasons::edit() {
  return writable(items_);
}

}  // namespace casewatch
