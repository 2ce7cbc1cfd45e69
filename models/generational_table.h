// A hash table of 64-bit keys kept in two generations of `kDays` local days (current, previous),
// for models that must remember many small entries for a bounded time: repeat_visit's (person,
// matter) pairs (90 days) and group_incident's (region, matter) matters (7 days).
//
// Each key has a `Slot`: either a light entry (most keys: a first contact fits in the slot) or the
// index of a heavier `Value` in its generation's array. A key not touched for kDays to 2·kDays is
// forgotten: rotation drops the previous generation whole, freeing its arrays at once with no
// per-entry work; a key touched in the previous generation moves to the current one. A lookup is
// one hash probe per generation.
//
// A Slot is trivially copyable and says whether it holds a value and where:
//   bool holdsValue() const; uint32_t valueIndex() const; static Slot ofValue(uint32_t index);
//
// Owned by one model; not thread-safe (the pipeline's thread only). Pointers and references into
// the table are valid until the next call that adds, moves or rotates.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/state_archive.h"

namespace casewatch {

template <typename S>
concept GenerationalSlot = std::is_trivially_copyable_v<S> && requires(const S s, uint32_t i) {
  { s.holdsValue() } -> std::same_as<bool>;
  { s.valueIndex() } -> std::same_as<uint32_t>;
  { S::ofValue(i) } -> std::same_as<S>;
};

template <GenerationalSlot Slot, typename Value, int kDays>
class GenerationalTable {
 public:
  // Starts a new generation once kDays have passed since the current one started (`today`: the
  // local day of the model's clock).
  void rotateIfDue(int64_t today) {
    if (generation_day_ < 0) {
      generation_day_ = today;
      return;
    }
    if (today - generation_day_ < kDays) return;
    // Dropping the previous generation frees its arrays at once: no per-entry work.
    gen_[1] = std::move(gen_[0]);
    gen_[0] = {};
    generation_day_ = today;
  }

  // Forgets every key.
  void clear() {
    for (auto& g : gen_) g = {};
    generation_day_ = -1;
  }

  // The key's value, if its slot holds one; else null with `light` set to its light slot, or null
  // with `light` empty for an unknown key. A key found in the previous generation moves, with its
  // value, to the current one (the previous one's place is reused or dropped at the rotation).
  Value* find(uint64_t key, std::optional<Slot>& light) {
    light.reset();
    Generation& cur = gen_[0];
    if (auto it = cur.slots.find(key); it != cur.slots.end()) {
      if (it->second.holdsValue()) return &cur.values[it->second.valueIndex()];
      light = it->second;
      return nullptr;
    }
    Generation& prev = gen_[1];
    if (auto it = prev.slots.find(key); it != prev.slots.end()) {
      const Slot slot = it->second;
      prev.slots.erase(it);
      if (slot.holdsValue()) {
        const uint32_t from = slot.valueIndex();
        const uint32_t i = cur.allocate(std::move(prev.values[from]));
        prev.free.push_back(from);
        cur.slots.emplace(key, Slot::ofValue(i));
        return &cur.values[i];
      }
      cur.slots.emplace(key, slot);
      light = slot;
    }
    return nullptr;
  }

  // Sets the key's light slot in the current generation (the key holds no value there).
  void setLight(uint64_t key, const Slot& slot) { gen_[0].slots.insert_or_assign(key, slot); }

  // Gives the key a value in the current generation (replacing its light slot, if any).
  Value& setValue(uint64_t key, Value&& value) {
    Generation& cur = gen_[0];
    const uint32_t i = cur.allocate(std::move(value));
    cur.slots.insert_or_assign(key, Slot::ofValue(i));
    return cur.values[i];
  }

  // Forgets the key in the current generation, after its value was moved out (to an open alert):
  // its value's place is reused.
  void release(uint64_t key) {
    Generation& cur = gen_[0];
    if (auto it = cur.slots.find(key); it != cur.slots.end()) {
      if (it->second.holdsValue()) cur.free.push_back(it->second.valueIndex());
      cur.slots.erase(it);
    }
  }

  // Forgets every key, in both generations, for which `drop(key, slot, value)` holds (`value`:
  // null for a light slot); a dropped value is cleared before its place is reused. Retention's
  // purge (a forgotten person's entries): O(keys), once a day.
  template <typename Drop>
  size_t forgetIf(Drop&& drop) {
    size_t n = 0;
    for (Generation& g : gen_) {
      for (auto it = g.slots.begin(); it != g.slots.end();) {
        const bool has = it->second.holdsValue();
        const uint32_t at = has ? it->second.valueIndex() : 0;
        if (!drop(it->first, it->second, has ? &g.values[at] : nullptr)) {
          ++it;
          continue;
        }
        if (has) {
          g.values[at] = Value{};
          g.free.push_back(at);
        }
        g.slots.erase(it++);
        ++n;
      }
    }
    return n;
  }

  // The key's slot in the newest generation that holds it, or null, without moving it (tests);
  // `value` is set when the slot holds one.
  const Slot* peek(uint64_t key, const Value*& value) const {
    value = nullptr;
    for (const Generation& g : gen_) {
      auto it = g.slots.find(key);
      if (it == g.slots.end()) continue;
      if (it->second.holdsValue()) value = &g.values[it->second.valueIndex()];
      return &it->second;
    }
    return nullptr;
  }

  // Snapshot (daemon/snapshot/): both generations with their exact layout (slots, value arrays
  // with their free places, the generation's start), so that a loaded table rotates, reuses and
  // forgets exactly as the saved one would have. `save_value(out, v)` writes one Value,
  // `load_value(in, v)` reads it back (false: unreadable).
  template <typename SaveValue>
  void save(ArchiveOut& out, SaveValue&& save_value) const {
    out.pod(generation_day_);
    for (const Generation& g : gen_) {
      out.count(g.slots.size());
      for (const auto& [key, slot] : g.slots) {
        out.pod(key);
        out.pod(slot);
      }
      out.count(g.values.size());
      for (const Value& v : g.values) save_value(out, v);
      out.pods(g.free);
    }
  }
  template <typename LoadValue>
  bool load(ArchiveIn& in, LoadValue&& load_value) {
    clear();
    in.pod(generation_day_);
    for (Generation& g : gen_) {
      size_t n = 0;
      if (!in.count(n, sizeof(uint64_t) + sizeof(Slot))) return false;
      g.slots.reserve(n);
      for (size_t i = 0; i < n && in.ok(); ++i) {
        const auto key = in.get<uint64_t>();
        g.slots.insert_or_assign(key, in.get<Slot>());
      }
      if (!in.count(n)) return false;
      g.values.resize(n);
      for (Value& v : g.values) {
        if (!load_value(in, v)) return in.fail();
      }
      if (!in.pods(g.free)) return false;
      // A damaged index would point outside the values: refused.
      for (const auto& [key, slot] : g.slots) {
        if (slot.holdsValue() && slot.valueIndex() >= g.values.size()) return in.fail();
      }
      for (uint32_t f : g.free) {
        if (f >= g.values.size()) return in.fail();
      }
    }
    return in.ok();
  }

  // Keys remembered, in both generations.
  size_t size() const { return gen_[0].slots.size() + gen_[1].slots.size(); }

  // Bytes held by the slots and value arrays (the bench's bytes per key).
  size_t approximateBytes() const {
    size_t bytes = 0;
    for (const Generation& g : gen_) {
      bytes += g.slots.capacity() * (sizeof(std::pair<uint64_t, Slot>) + 1);
      bytes += g.values.capacity() * sizeof(Value) + g.free.capacity() * sizeof(uint32_t);
    }
    return bytes;
  }

 private:
  struct Generation {
    absl::flat_hash_map<uint64_t, Slot> slots;
    std::vector<Value> values;
    std::vector<uint32_t> free;  // indices of `values` to reuse

    uint32_t allocate(Value&& v) {
      if (!free.empty()) {
        const uint32_t i = free.back();
        free.pop_back();
        values[i] = std::move(v);
        return i;
      }
      values.push_back(std::move(v));
      return static_cast<uint32_t>(values.size() - 1);
    }
  };

  Generation gen_[2];
  int64_t generation_day_ = -1;  // local day the current generation started
};

}  // namespace casewatch
