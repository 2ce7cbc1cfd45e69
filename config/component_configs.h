// The typed configs of the pluggable components (models, sinks), held by type.
//
// Why not a field per component in the aggregate: then every new model or sink would also edit the
// aggregate (daemon/daemon_config.h). The component tables (daemon/components.cc) decode each
// component's section into its own struct and store it here; the factory of the same row reads it
// back by type. A component never sees this holder: it is handed its own struct.
//
// Immutable after loading; copies share the decoded structs.
#pragma once

#include <map>
#include <memory>
#include <typeindex>
#include <typeinfo>
#include <utility>

namespace casewatch {

class ComponentConfigs {
 public:
  template <class T>
  void set(T value) {
    entries_[std::type_index(typeid(T))] =
        Entry{std::make_shared<const T>(std::move(value)), &equalAs<T>, &isDefault<T>};
  }
  // The struct stored for T, or T's defaults when its section was not decoded.
  template <class T>
  const T& get() const {
    const auto it = entries_.find(std::type_index(typeid(T)));
    if (it == entries_.end()) {
      static const T kDefaults{};
      return kDefaults;
    }
    return *static_cast<const T*>(it->second.value.get());
  }

  // A struct left out equals one stored with its defaults, as get() reads them the same.
  friend bool operator==(const ComponentConfigs& a, const ComponentConfigs& b) {
    for (const auto& [type, entry] : a.entries_) {
      const auto it = b.entries_.find(type);
      const bool same = it == b.entries_.end()
                            ? entry.is_default(entry.value.get())
                            : entry.equal(entry.value.get(), it->second.value.get());
      if (!same) return false;
    }
    for (const auto& [type, entry] : b.entries_) {
      if (a.entries_.count(type) == 0 && !entry.is_default(entry.value.get())) return false;
    }
    return true;
  }

 private:
  struct Entry {
    std::shared_ptr<const void> value;
    bool (*equal)(const void*, const void*) = nullptr;
    bool (*is_default)(const void*) = nullptr;
  };
  template <class T>
  static bool equalAs(const void* a, const void* b) {
    return *static_cast<const T*>(a) == *static_cast<const T*>(b);
  }
  template <class T>
  static bool isDefault(const void* a) {
    return *static_cast<const T*>(a) == T{};
  }
  std::map<std::type_index, Entry> entries_;
};

}  // namespace casewatch
