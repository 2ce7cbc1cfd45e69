// Interned strings: agencies, regions, categories and matters repeat across millions of cases, so a
// case stores 4-byte ids instead of strings. Id 0 is the empty string.
//
// Compact, because the case ids (one per case) and the matters (most cases have their own) are
// interned here too: the bytes live in an arena of large chunks (no std::string and no allocation
// per string), each behind a 4-byte length; an id's place is one pointer; the lookup table holds
// only the 4-byte ids and hashes the arena's bytes through them. A string costs its length + 12
// bytes + the table's slot, instead of a 32-byte std::string (+ its heap block past 15 bytes) and a
// 24-byte table slot. Views returned by name() stay valid for the interner's life (chunks never
// move), also across moves of the interner.
//
// Not thread-safe: owned by the state thread (the io_context).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "base/state_archive.h"

namespace casewatch {

class StringInterner {
 public:
  StringInterner()
      : arena_(std::make_unique<Arena>()), ids_(0, Hash{arena_.get()}, Eq{arena_.get()}) {
    intern("");
  }
  StringInterner(StringInterner&&) = default;
  StringInterner& operator=(StringInterner&&) = default;

  uint32_t intern(std::string_view s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return *it;
    const auto id = static_cast<uint32_t>(arena_->at.size());
    arena_->add(s);
    ids_.insert(id);
    return id;
  }
  // The id of `s` if interned, else 0.
  uint32_t find(std::string_view s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? 0 : *it;
  }
  std::string_view name(uint32_t id) const { return arena_->name(id); }
  size_t size() const { return arena_->at.size(); }
  // Heap bytes held (the arena, the places, the table), for the bytes-per-case breakdown.
  size_t approximateBytes() const {
    return arena_->chunks.size() * Arena::kChunk + arena_->at.capacity() * sizeof(const char*) +
           ids_.capacity() * (sizeof(uint32_t) + 1);
  }
  // Forgets the string of `id` (retention: a purged case's id): find() no longer knows it, its
  // name() is "" and its bytes are zeroed in the arena; the id is not reused, so that ids held
  // elsewhere keep their meaning.
  void forget(uint32_t id) {
    if (id == 0 || id >= size() || name(id).empty()) return;
    ids_.erase(id);
    const std::string_view gone = name(id);
    std::memset(const_cast<char*>(gone.data()), 0, gone.size());
    arena_->at[id] = arena_->at[0];
  }

  // Snapshot (base/state_archive.h): the strings in id order; load() re-interns them, so ids stay.
  void save(ArchiveOut& out) const {
    out.count(size());
    for (uint32_t i = 0; i < size(); ++i) out.str(name(i));
  }
  bool load(ArchiveIn& in) {
    size_t n = 0;
    if (!in.count(n, 8) || n == 0) return in.fail();
    *this = StringInterner();
    arena_->at.reserve(n);
    ids_.reserve(n);
    std::string s;
    // id 0 is "" (interned by the constructor): a first string that is not "" is not an
    // interner's; every other must be new.
    for (size_t i = 0; i < n && in.str(s); ++i) {
      if (i > 0 && s.empty()) {  // a forgotten id keeps its place
        arena_->at.push_back(arena_->at[0]);
        continue;
      }
      if (intern(s) != i) return in.fail();  // a duplicate: not an interner's strings
    }
    return in.ok();
  }

 private:
  struct Arena {
    static constexpr size_t kChunk = 64 * 1024;
    std::vector<std::unique_ptr<char[]>> chunks;
    size_t used = kChunk;         // bytes used in chunks.back()
    std::vector<const char*> at;  // id -> its length (uint32_t) then its bytes

    void add(std::string_view s) {
      const size_t need = sizeof(uint32_t) + s.size();
      char* place;
      if (need > kChunk / 4) {
        // A long string gets a chunk of its own, kept before the current one so that the current
        // one's free space is not lost.
        auto own = std::make_unique<char[]>(need);
        place = own.get();
        chunks.insert(chunks.empty() ? chunks.end() : chunks.end() - 1, std::move(own));
      } else {
        if (used + need > kChunk) {
          chunks.push_back(std::make_unique<char[]>(kChunk));
          used = 0;
        }
        place = chunks.back().get() + used;
        used += need;
      }
      const auto len = static_cast<uint32_t>(s.size());
      std::memcpy(place, &len, sizeof len);
      if (!s.empty()) std::memcpy(place + sizeof len, s.data(), s.size());
      at.push_back(place);
    }
    std::string_view name(uint32_t id) const {
      const char* p = at[id];
      uint32_t len;
      std::memcpy(&len, p, sizeof len);
      return {p + sizeof len, len};
    }
  };
  // The table's hash and equality see an id as its string (transparent: lookups by string_view).
  struct Hash {
    using is_transparent = void;
    const Arena* arena;
    size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>{}(s); }
    size_t operator()(uint32_t id) const { return (*this)(arena->name(id)); }
  };
  struct Eq {
    using is_transparent = void;
    const Arena* arena;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const { return arena->name(a) == b; }
    bool operator()(std::string_view a, uint32_t b) const { return a == arena->name(b); }
  };

  std::unique_ptr<Arena> arena_;  // on the heap: the table's functors point at it across moves
  absl::flat_hash_set<uint32_t, Hash, Eq> ids_;
};

}  // namespace casewatch
