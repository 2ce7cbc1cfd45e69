// The days on which something came back (a person on a matter for repeat_visit, any contact on a
// matter for recurring_matter), as a 128-day bitmap: exact counts of return days in any window that
// ends within the bitmap's range (the models ask for 30 and 90 days), in 18 bytes, with late
// (out-of-order) days set in place.
//
// Bit i stands for local day `anchor − i`; the anchor is the latest day set. A day more than 127
// days before the anchor is out of every window the model uses and is not stored.
//
// Stored as four 32-bit words so that the type is 4-byte aligned (20 bytes) and packs with the
// models' other fields. Value type; not thread-safe (owned by a model's state).
#pragma once

#include <bit>
#include <cstdint>

namespace casewatch {

class ReturnDays {
 public:
  static constexpr int kSpan = 128;

  // Marks `day`; false when it was already marked (or is too old to store).
  bool set(int64_t day) {
    if (empty()) {
      anchor_ = static_cast<uint16_t>(day);
      w_[0] = 1;
      return true;
    }
    if (day > anchor_) {
      const int64_t shift = day - anchor_;
      store(shift >= kSpan ? 0 : load() << shift);
      anchor_ = static_cast<uint16_t>(day);
      w_[0] |= 1;
      return true;
    }
    const int64_t i = anchor_ - day;
    if (i >= kSpan) return false;
    uint32_t& word = w_[i / 32];
    const uint32_t bit = uint32_t{1} << (i % 32);
    if (word & bit) return false;
    word |= bit;
    return true;
  }

  bool has(int64_t day) const {
    if (empty() || day > anchor_) return false;
    const int64_t i = anchor_ - day;
    if (i >= kSpan) return false;
    return (w_[i / 32] >> (i % 32)) & 1;
  }

  // Marked days in [to − days + 1, to].
  int countWindow(int64_t to, int days) const {
    if (empty()) return 0;
    int64_t first = to - days + 1;  // oldest day in the window
    int64_t last = to;
    if (last > anchor_) last = anchor_;
    if (first < static_cast<int64_t>(anchor_) - (kSpan - 1)) first = anchor_ - (kSpan - 1);
    if (first > last) return 0;
    // Bits [anchor − last, anchor − first].
    const int64_t from = anchor_ - last;
    const int64_t upto = anchor_ - first;
    unsigned __int128 v = load() >> from;
    const int64_t width = upto - from + 1;
    if (width < kSpan) v &= (static_cast<unsigned __int128>(1) << width) - 1;
    return std::popcount(static_cast<uint64_t>(v)) + std::popcount(static_cast<uint64_t>(v >> 64));
  }

  // The n-th most recent marked day (n = 1: the latest), or -1 when fewer are stored.
  int64_t nthLatest(int n) const {
    if (empty()) return -1;
    int seen = 0;
    for (int w = 0; w < 4; ++w) {
      uint32_t word = w_[w];
      while (word != 0) {
        const int b = std::countr_zero(word);
        if (++seen == n) return static_cast<int64_t>(anchor_) - (w * 32 + b);
        word &= word - 1;
      }
    }
    return -1;
  }

  bool empty() const { return (w_[0] | w_[1] | w_[2] | w_[3]) == 0; }
  int64_t latest() const { return empty() ? -1 : anchor_; }

 private:
  unsigned __int128 load() const {
    unsigned __int128 v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 32) | w_[i];
    return v;
  }
  void store(unsigned __int128 v) {
    for (uint32_t& w : w_) {
      w = static_cast<uint32_t>(v);
      v >>= 32;
    }
  }

  uint32_t w_[4] = {};  // bit i of the 128 is bit i % 32 of w_[i / 32]
  uint16_t anchor_ = 0;
};

}  // namespace casewatch
