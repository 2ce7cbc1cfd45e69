// The binary form in which long-lived state is written to a snapshot (daemon/snapshot/) and read
// back: little-endian host bytes, no versioning of its own (the snapshot file's header carries
// the version and a checksum over the whole body). Each state class writes itself with save()
// and reads itself back with load(); a load that runs past the end or finds an impossible count
// marks the reader failed, and the caller throws the partly loaded object away.
//
// Trivially copyable structs are copied byte for byte: a snapshot is read back only by the same
// build (the header records a format version, bumped whenever a saved struct changes).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace casewatch {

template <typename T>
concept ArchivePod = std::is_trivially_copyable_v<T>;

class ArchiveOut {
 public:
  explicit ArchiveOut(std::string& buf) : buf_(buf) {}

  template <ArchivePod T>
  void pod(const T& v) {
    buf_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void count(size_t n) { pod<uint64_t>(n); }
  void str(std::string_view s) {
    count(s.size());
    buf_.append(s);
  }
  // A length-prefixed part written in place (no buffer of its own to copy): begin() returns where
  // its length goes, end() writes it there.
  size_t beginPart() {
    count(0);
    return buf_.size();
  }
  void endPart(size_t at) {
    const uint64_t n = buf_.size() - at;
    std::memcpy(buf_.data() + at - sizeof n, &n, sizeof n);
  }
  template <ArchivePod T>
  void pods(const T* data, size_t n) {
    count(n);
    if (n > 0) buf_.append(reinterpret_cast<const char*>(data), n * sizeof(T));
  }
  template <ArchivePod T>
  void pods(const std::vector<T>& v) {
    pods(v.data(), v.size());
  }
  template <ArchivePod T>
  void pods(const std::deque<T>& v) {
    count(v.size());
    for (const T& x : v) pod(x);
  }
  void strs(const std::vector<std::string>& v) {
    count(v.size());
    for (const auto& s : v) str(s);
  }
  size_t size() const { return buf_.size(); }

 private:
  std::string& buf_;
};

class ArchiveIn {
 public:
  explicit ArchiveIn(std::string_view data) : data_(data) {}

  bool ok() const { return ok_; }
  bool atEnd() const { return pos_ == data_.size(); }
  size_t offset() const { return pos_; }
  // Marks the archive unreadable (a value that cannot be right); every later read fails.
  bool fail() {
    ok_ = false;
    return false;
  }

  template <ArchivePod T>
  bool pod(T& v) {
    if (!ok_ || data_.size() - pos_ < sizeof v) return fail();
    std::memcpy(&v, data_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return true;
  }
  template <ArchivePod T>
  T get() {
    T v{};
    pod(v);
    return v;
  }
  // A count of items each at least `min_bytes` long: refused when the rest cannot hold them, so
  // that a damaged count never makes a huge allocation.
  bool count(size_t& n, size_t min_bytes = 1) {
    uint64_t v = 0;
    if (!pod(v)) return false;
    if (min_bytes > 0 && v > (data_.size() - pos_) / min_bytes) return fail();
    n = static_cast<size_t>(v);
    return true;
  }
  bool str(std::string& s) {
    size_t n = 0;
    if (!count(n)) return false;
    s.assign(data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  // A length-prefixed part (str()'s form) read in place: valid while the archive's data is.
  bool view(std::string_view& s) {
    size_t n = 0;
    if (!count(n)) return false;
    s = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  template <ArchivePod T>
  bool pods(std::vector<T>& v) {
    size_t n = 0;
    if (!count(n, sizeof(T))) return false;
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return true;
  }
  template <ArchivePod T>
  bool pods(std::deque<T>& v) {
    size_t n = 0;
    if (!count(n, sizeof(T))) return false;
    v.clear();
    for (size_t i = 0; i < n; ++i) v.push_back(get<T>());
    return ok_;
  }
  bool strs(std::vector<std::string>& v) {
    size_t n = 0;
    if (!count(n, 8)) return false;
    v.resize(n);
    for (auto& s : v) str(s);
    return ok_;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// The container under a std::priority_queue, so that a queue is saved and restored with its exact
// layout (ties then pop in the same order as before the snapshot).
template <typename T, typename C, typename Cmp>
C& heapOf(std::priority_queue<T, C, Cmp>& q) {
  struct Open : std::priority_queue<T, C, Cmp> {
    static C& of(std::priority_queue<T, C, Cmp>& q) { return q.*(&Open::c); }
  };
  return Open::of(q);
}
template <typename T, typename C, typename Cmp>
const C& heapOf(const std::priority_queue<T, C, Cmp>& q) {
  return heapOf(const_cast<std::priority_queue<T, C, Cmp>&>(q));
}

}  // namespace casewatch
