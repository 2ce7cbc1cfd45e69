#include "daemon/journal/event_codec.h"

#include <cstring>

namespace casewatch {
namespace {

constexpr uint8_t kFlagHasSeq = 1;
constexpr uint8_t kFlagHasAmount = 2;
constexpr uint8_t kFlagResolved = 4;
constexpr uint8_t kKnownFlags = kFlagHasSeq | kFlagHasAmount | kFlagResolved;

// Enum sizes, from each enum's last value (case_event.h has no count constants for these).
constexpr size_t kChannelCount = static_cast<size_t>(Channel::kPhone) + 1;
constexpr size_t kLevelCount = static_cast<size_t>(Level::kNational) + 1;
constexpr size_t kOutcomeCount = static_cast<size_t>(Outcome::kNotUpheld) + 1;
constexpr size_t kSatisfactionCount = static_cast<size_t>(Satisfaction::kUnsatisfied) + 1;

void putVarint(std::string& out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t unzigzag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

void putFixed64(std::string& out, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));
  out.append(buf, 8);
}

void putString(std::string& out, const std::string& s) {
  putVarint(out, s.size());
  out.append(s);
}

// A bounds-checked cursor over the payload; every getter returns false once it runs out.
class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool u8(uint8_t& v) {
    if (p_ == end_) return false;
    v = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool varint(uint64_t& v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const uint8_t b = static_cast<uint8_t>(*p_++);
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        v = result;
        return true;
      }
    }
    return false;  // more than 10 bytes: malformed
  }
  bool fixed64(uint64_t& v) {
    if (end_ - p_ < 8) return false;
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) r |= static_cast<uint64_t>(static_cast<uint8_t>(p_[i])) << (8 * i);
    p_ += 8;
    v = r;
    return true;
  }
  bool string(std::string& s) {
    uint64_t n = 0;
    if (!varint(n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    s.assign(p_, static_cast<size_t>(n));
    p_ += n;
    return true;
  }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

template <typename E>
bool getEnum(Reader& r, E& out, size_t count) {
  uint8_t v = 0;
  if (!r.u8(v) || v >= count) return false;
  out = static_cast<E>(v);
  return true;
}

}  // namespace

void encodeEvent(const CaseEvent& ev, std::string& out) {
  out.push_back(static_cast<char>(kEventCodecVersion));
  out.push_back(static_cast<char>(ev.type));
  uint8_t flags = 0;
  if (ev.has_seq) flags |= kFlagHasSeq;
  if (ev.has_amount) flags |= kFlagHasAmount;
  if (ev.resolved) flags |= kFlagResolved;
  out.push_back(static_cast<char>(flags));
  putVarint(out, zigzag(ev.ts));
  if (ev.has_seq) putVarint(out, ev.seq);
  putString(out, ev.event_id);
  putString(out, ev.source);
  putString(out, ev.case_id);
  putString(out, ev.matter);
  putString(out, ev.region);
  putString(out, ev.agency);
  putString(out, ev.category);
  putString(out, ev.to_agency);
  putString(out, ev.leader);
  putString(out, ev.reason);
  putVarint(out, ev.persons.size());
  // Person ids are keyed hashes (uniformly random bits), so a varint would only make them longer.
  for (PersonId p : ev.persons) putFixed64(out, p);
  out.push_back(static_cast<char>(ev.channel));
  out.push_back(static_cast<char>(ev.level));
  out.push_back(static_cast<char>(ev.competent_level));
  out.push_back(static_cast<char>(ev.to_level));
  out.push_back(static_cast<char>(ev.outcome));
  out.push_back(static_cast<char>(ev.satisfaction));
  putVarint(out, ev.group_size);
  putVarint(out, zigzag(ev.days));
  if (ev.has_amount) {
    uint64_t bits = 0;
    static_assert(sizeof(bits) == sizeof(ev.amount));
    std::memcpy(&bits, &ev.amount, sizeof bits);
    putFixed64(out, bits);
  }
}

bool decodeEvent(std::string_view payload, CaseEvent& out) {
  out.clear();
  Reader r(payload);
  uint8_t version = 0, flags = 0;
  if (!r.u8(version) || version != kEventCodecVersion) return false;
  if (!getEnum(r, out.type, kEventTypeCount)) return false;
  if (!r.u8(flags) || (flags & ~kKnownFlags) != 0) return false;
  out.has_seq = (flags & kFlagHasSeq) != 0;
  out.has_amount = (flags & kFlagHasAmount) != 0;
  out.resolved = (flags & kFlagResolved) != 0;
  uint64_t v = 0;
  if (!r.varint(v)) return false;
  out.ts = unzigzag(v);
  if (out.has_seq && !r.varint(out.seq)) return false;
  if (!r.string(out.event_id) || !r.string(out.source) || !r.string(out.case_id) ||
      !r.string(out.matter) || !r.string(out.region) || !r.string(out.agency) ||
      !r.string(out.category) || !r.string(out.to_agency) || !r.string(out.leader) ||
      !r.string(out.reason)) {
    return false;
  }
  uint64_t persons = 0;
  if (!r.varint(persons) || persons > r.remaining() / 8) return false;
  out.persons.resize(static_cast<size_t>(persons));
  for (PersonId& p : out.persons) {
    if (!r.fixed64(p)) return false;
  }
  if (!getEnum(r, out.channel, kChannelCount) || !getEnum(r, out.level, kLevelCount) ||
      !getEnum(r, out.competent_level, kLevelCount) || !getEnum(r, out.to_level, kLevelCount) ||
      !getEnum(r, out.outcome, kOutcomeCount) ||
      !getEnum(r, out.satisfaction, kSatisfactionCount)) {
    return false;
  }
  if (!r.varint(v) || v > UINT32_MAX) return false;
  out.group_size = static_cast<uint32_t>(v);
  if (!r.varint(v)) return false;
  const int64_t days = unzigzag(v);
  if (days < INT32_MIN || days > INT32_MAX) return false;
  out.days = static_cast<int32_t>(days);
  if (out.has_amount) {
    uint64_t bits = 0;
    if (!r.fixed64(bits)) return false;
    std::memcpy(&out.amount, &bits, sizeof bits);
  }
  return r.remaining() == 0;
}

}  // namespace casewatch
