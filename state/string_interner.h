// Interned strings: agencies, regions, categories and matters repeat across millions of cases, so a
// case stores 4-byte ids instead of strings. Id 0 is the empty string.
//
// Not thread-safe: owned by the state thread (the io_context).
#pragma once

#include <cstdint>
#include <deque>

#include <string>
#include <string_view>
#include "base/state_archive.h"

#include "absl/container/flat_hash_map.h"

namespace casewatch {

class StringInterner {
 public:
  StringInterner() { intern(""); }
  uint32_t intern(std::string_view s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    const auto id = static_cast<uint32_t>(strings_.size());
    const std::string& stored = strings_.emplace_back(s);  // deque: stable addresses
    ids_.emplace(std::string_view(stored), id);
    return id;
  }
  // The id of `s` if interned, else 0.
  uint32_t find(std::string_view s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? 0 : it->second;
  }
  std::string_view name(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }
  // Forgets the string of `id` (retention: a purged case's id): find() no longer knows it, its
  // name() is "", and the id is not reused, so that ids held elsewhere keep their meaning.
  void forget(uint32_t id) {
    if (id == 0 || id >= strings_.size() || strings_[id].empty()) return;
    ids_.erase(std::string_view(strings_[id]));
    std::string().swap(strings_[id]);
  }

  // Snapshot (base/state_archive.h): the strings in id order; load() re-interns them, so ids stay.
  void save(ArchiveOut& out) const {
    out.count(strings_.size());
    for (const std::string& s : strings_) out.str(s);
  }
  bool load(ArchiveIn& in) {
    size_t n = 0;
    if (!in.count(n, 8) || n == 0) return in.fail();
    strings_.clear();
    ids_.clear();
    std::string s;
    for (size_t i = 0; i < n && in.str(s); ++i) {
      if (i > 0 && s.empty()) {  // a forgotten id keeps its place
        strings_.emplace_back();
        continue;
      }
      if (intern(s) != i) return in.fail();  // a duplicate: not an interner's strings
    }
    return in.ok();
  }

 private:
  std::deque<std::string> strings_;
  absl::flat_hash_map<std::string_view, uint32_t> ids_;
};

}  // namespace casewatch
