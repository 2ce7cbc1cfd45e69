// messages_file, messages_files: the operator's re-wording of alert texts over the built-in
// templates, and the languages the operator adds (config/message_catalog.h). The other top-level
// keys are in config/top_level_config.h; each component's section is owned by the component
// (<component>_config.h), and the daemon puts them together (daemon/daemon_config.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/message_catalog.h"

namespace casewatch {

struct MessagesConfig {
  std::string file;                // `messages_file`: en / zh-CN re-wording; "" = none
  std::vector<std::string> files;  // `messages_files`: each may add languages (e.g. `fr`)
  std::shared_ptr<const MessageCatalog>
      catalog;  // loaded and checked by the loader; null = built-in
  const MessageCatalog& get() const { return catalog ? *catalog : MessageCatalog::builtin(); }
  friend bool operator==(const MessagesConfig& a, const MessagesConfig& b) {
    return a.file == b.file && a.files == b.files && a.get() == b.get();
  }
};

}  // namespace casewatch
