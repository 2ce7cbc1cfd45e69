#include "connectors/decode/event_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

namespace casewatch {
namespace {

namespace od = simdjson::ondemand;

// Every key the contract knows. The single pass records each one's raw value in a slot; which of
// them matter (and which are required) depends on `type`, so they are validated after the pass.
enum Key : uint8_t {
  kV,
  kEventId,
  kSource,
  kSeq,
  kType,
  kTs,
  kCaseId,
  kPersons,
  kMatter,
  kRegion,
  kAgency,
  kCategory,
  kChannel,
  kLevel,
  kCompetentLevel,
  kGroupSize,
  kToAgency,
  kToLevel,
  kDays,
  kOutcome,
  kLeader,
  kAmount,
  kResolved,
  kSatisfaction,
  kReason,
  kKeyCount,
  kUnknownKey = kKeyCount,
};
static_assert(kKeyCount <= 32, "the seen-set is a uint32_t");

constexpr std::array<std::string_view, kKeyCount> kKeyNames = {
    "v",          "event_id",  "source",   "seq",          "type",
    "ts",         "case_id",   "persons",  "matter",       "region",
    "agency",     "category",  "channel",  "level",        "competent_level",
    "group_size", "to_agency", "to_level", "days",         "outcome",
    "leader",     "amount",    "resolved", "satisfaction", "reason",
};

// Contract limits.
constexpr size_t kMaxEventIdBytes = 128;
constexpr size_t kMaxSourceBytes = 64;
constexpr size_t kMaxCaseIdBytes = 128;
constexpr size_t kMaxPersonIdBytes = 128;
constexpr int64_t kMaxGroupSize = 1'000'000;
constexpr int64_t kMinExtensionDays = 1;
constexpr int64_t kMaxExtensionDays = 30;

// Matches an unescaped key to a known one, by length first. Only keys spelt with escapes come here
// (see matchRawKey for the usual path).
Key classifyKey(std::string_view k) {
  auto is = [&](Key c) { return k == kKeyNames[c]; };
  switch (k.size()) {
    case 1:
      return is(kV) ? kV : kUnknownKey;
    case 2:
      return is(kTs) ? kTs : kUnknownKey;
    case 3:
      return is(kSeq) ? kSeq : kUnknownKey;
    case 4:
      if (is(kType)) return kType;
      if (is(kDays)) return kDays;
      return kUnknownKey;
    case 5:
      return is(kLevel) ? kLevel : kUnknownKey;
    case 6:
      for (Key c : {kSource, kMatter, kRegion, kAgency, kLeader, kAmount, kReason}) {
        if (is(c)) return c;
      }
      return kUnknownKey;
    case 7:
      for (Key c : {kCaseId, kPersons, kChannel, kOutcome}) {
        if (is(c)) return c;
      }
      return kUnknownKey;
    case 8:
      for (Key c : {kEventId, kCategory, kToLevel, kResolved}) {
        if (is(c)) return c;
      }
      return kUnknownKey;
    case 9:
      return is(kToAgency) ? kToAgency : kUnknownKey;
    case 10:
      return is(kGroupSize) ? kGroupSize : kUnknownKey;
    case 12:
      return is(kSatisfaction) ? kSatisfaction : kUnknownKey;
    case 15:
      return is(kCompetentLevel) ? kCompetentLevel : kUnknownKey;
    default:
      return kUnknownKey;
  }
}

// Matches a key by its raw bytes, from just after its opening quote. The closing quote is part of
// each comparison, so the key's end need not be found first; the reads stay inside the message
// plus its padding. A key written with escapes matches nothing here (see rawKey).
template <size_t N>
inline bool rawKeyIs(const char* p, const char (&name)[N]) {
  return std::memcmp(p, name, N - 1) == 0 && p[N - 1] == '"';
}

Key matchRawKey(const char* p) {
  switch (p[0]) {
    case 'v':
      return p[1] == '"' ? kV : kUnknownKey;
    case 'e':
      return rawKeyIs(p, "event_id") ? kEventId : kUnknownKey;
    case 's':
      if (rawKeyIs(p, "source")) return kSource;
      if (rawKeyIs(p, "seq")) return kSeq;
      if (rawKeyIs(p, "satisfaction")) return kSatisfaction;
      return kUnknownKey;
    case 't':
      if (rawKeyIs(p, "type")) return kType;
      if (rawKeyIs(p, "ts")) return kTs;
      if (rawKeyIs(p, "to_agency")) return kToAgency;
      if (rawKeyIs(p, "to_level")) return kToLevel;
      return kUnknownKey;
    case 'c':
      if (rawKeyIs(p, "case_id")) return kCaseId;
      if (rawKeyIs(p, "category")) return kCategory;
      if (rawKeyIs(p, "channel")) return kChannel;
      if (rawKeyIs(p, "competent_level")) return kCompetentLevel;
      return kUnknownKey;
    case 'p':
      return rawKeyIs(p, "persons") ? kPersons : kUnknownKey;
    case 'm':
      return rawKeyIs(p, "matter") ? kMatter : kUnknownKey;
    case 'r':
      if (rawKeyIs(p, "region")) return kRegion;
      if (rawKeyIs(p, "reason")) return kReason;
      if (rawKeyIs(p, "resolved")) return kResolved;
      return kUnknownKey;
    case 'a':
      if (rawKeyIs(p, "agency")) return kAgency;
      if (rawKeyIs(p, "amount")) return kAmount;
      return kUnknownKey;
    case 'l':
      if (rawKeyIs(p, "level")) return kLevel;
      if (rawKeyIs(p, "leader")) return kLeader;
      return kUnknownKey;
    case 'g':
      return rawKeyIs(p, "group_size") ? kGroupSize : kUnknownKey;
    case 'd':
      return rawKeyIs(p, "days") ? kDays : kUnknownKey;
    case 'o':
      return rawKeyIs(p, "outcome") ? kOutcome : kUnknownKey;
    default:
      return kUnknownKey;
  }
}

// Finds the first quote or backslash at or after p, eight bytes at a time. The caller guarantees
// that a closing quote follows inside the message (stage 1 has matched every quote), and the
// message is followed by SIMDJSON_PADDING readable bytes, so the word reads stay in bounds.
inline const char* findQuoteOrBackslash(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  constexpr uint64_t kQuotes = kOnes * '"';
  constexpr uint64_t kBackslashes = kOnes * '\\';
  for (;; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t q = w ^ kQuotes;
    const uint64_t b = w ^ kBackslashes;
    // Zero-byte test; a borrow can only mark bytes above a real match, so the lowest mark (the
    // first byte in memory, little-endian) is always real.
    const uint64_t marks = (((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHigh;
    if (marks != 0) return p + (__builtin_ctzll(marks) >> 3);
  }
}

// The body of a JSON string from just after its opening quote, when it has no escapes (the
// common case): stage 1 has already rejected invalid UTF-8 and raw control characters, so the
// bytes are the value itself and can be used in place. False when there is an escape.
inline bool plainStringBody(const char* p, std::string_view& out) {
  const char* q = findQuoteOrBackslash(p);
  if (*q != '"') return false;
  out = std::string_view(p, static_cast<size_t>(q - p));
  return true;
}

// Keys whose value the contract makes a string, and those it makes a number: the pass tries that
// reading first and falls back to looking at the JSON type only when it fails.
constexpr uint32_t keyBit(Key k) {
  return uint32_t{1} << k;
}
constexpr uint32_t kStringKeys =
    keyBit(kEventId) | keyBit(kSource) | keyBit(kType) | keyBit(kTs) | keyBit(kCaseId) |
    keyBit(kMatter) | keyBit(kRegion) | keyBit(kAgency) | keyBit(kCategory) | keyBit(kChannel) |
    keyBit(kLevel) | keyBit(kCompetentLevel) | keyBit(kToAgency) | keyBit(kToLevel) |
    keyBit(kOutcome) | keyBit(kLeader) | keyBit(kSatisfaction) | keyBit(kReason);
constexpr uint32_t kIntegerKeys =
    keyBit(kV) | keyBit(kSeq) | keyBit(kGroupSize) | keyBit(kDays) | keyBit(kAmount);

// The JSON value a known key carried, as seen by the pass (before any contract check).
enum class Kind : uint8_t {
  kString,
  kInt,     // fits int64 (value in `i`)
  kUint,    // above INT64_MAX, fits uint64 (value in `u`)
  kBigInt,  // an integer outside 64 bits (only its double approximation in `d`)
  kFloat,   // has a fraction or exponent (`d`)
  kBool,
  kOther,  // null, array or object: never what a scalar field wants
};

struct Slot {
  Kind kind = Kind::kOther;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  // Unescaped; points into the message copy or the unescape buffer, valid until the next decode.
  std::string_view str;
};

bool isNumber(Kind k) {
  return k == Kind::kInt || k == Kind::kUint || k == Kind::kBigInt || k == Kind::kFloat;
}

}  // namespace

bool isContractEventField(std::string_view key) {
  return std::find(kKeyNames.begin(), kKeyNames.end(), key) != kKeyNames.end();
}

std::string_view rejectReasonName(RejectReason r) {
  static constexpr std::array<std::string_view, kRejectReasonCount> kNames = {
      "none",          "too_large",      "invalid_json",        "unsupported_version",
      "missing_field", "wrong_type",     "unknown_type",        "bad_timestamp",
      "out_of_range",  "orphan_expired", "unauthorised_source",
  };
  const size_t i = static_cast<size_t>(r);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

std::string DecodeError::message() const {
  std::string m(rejectReasonName(reason));
  if (!field.empty()) {
    m += ": ";
    m += field;
  }
  return m;
}

struct EventDecoder::Impl {
  Impl(const Pseudonymizer& p, DecoderLimits l) : pseudonymizer(p), limits(l) {
    // Size the parser for typical messages now, so the first events do not allocate; it grows
    // (once) if a larger message within max_message_bytes arrives.
    // A failure here is retried (and reported as invalid_json) by the first parse that needs it.
    const simdjson::error_code ignored =
        parser.allocate(std::min<size_t>(limits.max_message_bytes, 64 * 1024));
    (void)ignored;
    // Start-up, not the hot path: failing to get an implementation is fatal and cannot happen
    // (simdjson always has its portable fallback).
    if (simdjson::get_active_implementation()->create_dom_parser_implementation(
            64, simdjson::DEFAULT_MAX_DEPTH, unescaper) != simdjson::SUCCESS) {
      std::abort();
    }
  }

  bool decode(std::string_view json, CaseEvent& out, DecodeError& error);

  // --- the pass -------------------------------------------------------------------------------
  bool rawKey(od::field& f, std::string_view& key);
  enum class Read : uint8_t { kOk, kNotString, kInvalid };
  Read tryString(od::value& v, std::string_view& out);
  bool readString(od::value& v, std::string_view& out) {
    return tryString(v, out) == Read::kOk;  // for callers that have checked the type
  }
  bool captureKnown(Key k, od::value& v, Slot& slot);
  bool capture(od::value& v, Slot& slot);
  bool captureNumber(od::value& v, Slot& slot);
  bool capturePersons(od::value& v, CaseEvent& out);
  bool validateValue(od::value& v, size_t depth);

  // --- the checks after it --------------------------------------------------------------------
  bool validate(CaseEvent& out, DecodeError& error);
  bool has(Key k) const { return (seen & (1u << k)) != 0; }
  bool fail(DecodeError& error, RejectReason r, Key k) {
    error.reason = r;
    setField(error, kKeyNames[k]);
    return false;
  }
  // clear + append rather than assign: GCC 12 at -O3 warns falsely (-Wrestrict) on the latter.
  static void setField(DecodeError& error, std::string_view name) {
    error.field.clear();
    error.field.append(name);
  }
  bool takeString(Key k, bool required, size_t max_bytes, std::string& dst, DecodeError& error);
  template <typename E>
  bool takeEnum(Key k, bool required, bool (*from_name)(std::string_view, E&), E& dst,
                DecodeError& error);
  bool takeInt(Key k, bool required, int64_t lo, int64_t hi, int64_t& dst, DecodeError& error);
  bool takePersons(DecodeError& error);

  Pseudonymizer pseudonymizer;
  DecoderLimits limits;
  od::parser parser;
  std::unique_ptr<char[]> buffer;  // the message copied, followed by SIMDJSON_PADDING zero bytes
  size_t buffer_capacity = 0;
  // Escaped strings, unescaped (never longer than in the message). Sized with `buffer`.
  std::unique_ptr<uint8_t[]> unescaped;
  uint8_t* unescaped_next = nullptr;
  // Only its string unescaper is used (simdjson's SIMD one, picked for this CPU at run time).
  std::unique_ptr<simdjson::internal::dom_parser_implementation> unescaper;

  uint32_t seen = 0;  // bit per Key: the slot is filled (and a second occurrence is a duplicate)
  std::array<Slot, kKeyCount> slots;
  // The first problem inside `persons` (reported only if the event type uses persons).
  RejectReason persons_reason = RejectReason::kNone;
  size_t persons_bad_index = 0;
  bool persons_bad_whole = false;  // the problem is the array (empty / too long), not an element
};

EventDecoder::EventDecoder(const Pseudonymizer& pseudonymizer, DecoderLimits limits)
    : impl_(new Impl(pseudonymizer, limits)) {}

EventDecoder::~EventDecoder() {
  delete impl_;
}

bool EventDecoder::decode(std::string_view json, CaseEvent& out, DecodeError& error) {
  return impl_->decode(json, out, error);
}

bool EventDecoder::Impl::decode(std::string_view json, CaseEvent& out, DecodeError& error) {
  out.clear();
  error.reason = RejectReason::kNone;
  error.field.clear();
  auto invalid = [&error] {
    error.reason = RejectReason::kInvalidJson;
    return false;
  };

  if (json.size() > limits.max_message_bytes) {
    error.reason = RejectReason::kTooLarge;
    return false;
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; the caller's bytes carry no such
  // guarantee, so parse a copy.
  const size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_capacity < needed) {
    const size_t grown = std::max(needed, buffer_capacity * 2);
    buffer.reset(new char[grown]);
    // The unescaper writes in whole blocks, up to a padding's worth past each string's end.
    unescaped.reset(new uint8_t[grown + simdjson::SIMDJSON_PADDING]);
    buffer_capacity = grown;
  }
  if (!json.empty()) std::memcpy(buffer.get(), json.data(), json.size());
  std::memset(buffer.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  unescaped_next = unescaped.get();

  od::document doc;
  if (parser.iterate(buffer.get(), json.size(), buffer_capacity).get(doc)) return invalid();
  od::object object;
  if (doc.get_object().get(object)) return invalid();

  seen = 0;
  persons_reason = RejectReason::kNone;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field)) return invalid();
    Key k = matchRawKey(field.key().raw());
    if (k == kUnknownKey) {
      // Unknown, or a known key spelt with escapes (`"\\u0076"` is `v`): find out the slow way.
      std::string_view key;
      if (!rawKey(field, key)) return invalid();
      k = classifyKey(key);
    }
    od::value& value = field.value();
    if (k == kUnknownKey) {
      // Dropped, but still checked: every accepted message is valid JSON.
      if (!validateValue(value, 2)) return invalid();
      continue;
    }
    if (has(k)) {
      setField(error, kKeyNames[k]);
      return invalid();
    }
    seen |= 1u << k;
    if (k == kPersons) {
      if (!capturePersons(value, out)) return invalid();
    } else if (!captureKnown(k, value, slots[k])) {
      return invalid();
    }
  }
  // The object is done; anything but whitespace after it is a second value.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return invalid();

  return validate(out, error);
}

// The key as written between its quotes; unescaped only when it holds an escape (rare), so that
// `"\u0076"` still means `v`.
bool EventDecoder::Impl::rawKey(od::field& f, std::string_view& key) {
  if (plainStringBody(f.key().raw(), key)) return true;
  return !f.unescaped_key().get(key);
}

// Reads (and consumes) a string value; leaves anything else untouched (kNotString). Without
// escapes the string is used in place; with escapes, simdjson's unescaper (which also rejects bad
// escapes and lone surrogates) writes it to `unescaped`.
EventDecoder::Impl::Read EventDecoder::Impl::tryString(od::value& v, std::string_view& out) {
  simdjson::ondemand::raw_json_string raw;
  if (v.get_raw_json_string().get(raw)) return Read::kNotString;
  const char* body = raw.raw();
  if (plainStringBody(body, out)) return Read::kOk;
  uint8_t* const dst = unescaped_next;
  uint8_t* const end = unescaper->parse_string(reinterpret_cast<const uint8_t*>(body), dst);
  if (end == nullptr) return Read::kInvalid;
  unescaped_next = end;
  out = std::string_view(reinterpret_cast<const char*>(dst), static_cast<size_t>(end - dst));
  return Read::kOk;
}

// The pass's reading of one known field (persons aside): the expected JSON type first, since
// that is almost always what arrives, then whatever it is.
bool EventDecoder::Impl::captureKnown(Key k, od::value& v, Slot& slot) {
  if ((kStringKeys & keyBit(k)) != 0) {
    switch (tryString(v, slot.str)) {
      case Read::kOk:
        slot.kind = Kind::kString;
        return true;
      case Read::kInvalid:
        return false;
      case Read::kNotString:
        break;
    }
  } else if ((kIntegerKeys & keyBit(k)) != 0 && !v.get_int64().get(slot.i)) {
    slot.kind = Kind::kInt;
    slot.d = static_cast<double>(slot.i);
    return true;
  }
  return capture(v, slot);
}

bool EventDecoder::Impl::capture(od::value& v, Slot& slot) {
  od::json_type t;
  if (v.type().get(t)) return false;
  switch (t) {
    case od::json_type::string:
      slot.kind = Kind::kString;
      return readString(v, slot.str);
    case od::json_type::number:
      return captureNumber(v, slot);
    case od::json_type::boolean:
      slot.kind = Kind::kBool;
      return !v.get_bool().get(slot.b);
    case od::json_type::null:
    case od::json_type::array:
    case od::json_type::object:
      slot.kind = Kind::kOther;
      return validateValue(v, 2);
  }
  return false;
}

bool EventDecoder::Impl::captureNumber(od::value& v, Slot& slot) {
  // Most numbers are small integers: try that first. A fraction, an exponent or an integer beyond
  // int64 fails with INCORRECT_TYPE; malformed text ("01", "1.", "-") fails every parser below.
  if (!v.get_int64().get(slot.i)) {
    slot.kind = Kind::kInt;
    slot.d = static_cast<double>(slot.i);
    return true;
  }
  if (!v.get_uint64().get(slot.u)) {
    slot.kind = Kind::kUint;
    slot.d = static_cast<double>(slot.u);
    return true;
  }
  // The token is read before get_double consumes it. The double parser checks the syntax
  // strictly, so a failure here is malformed JSON.
  const std::string_view token = v.raw_json_token();
  if (v.get_double().get(slot.d)) return false;
  slot.kind = token.find_first_of(".eE") == std::string_view::npos ? Kind::kBigInt : Kind::kFloat;
  return true;
}

// Person ids are hashed the moment they are read: the raw id lives only in the parser's buffers,
// which the next message overwrites.
bool EventDecoder::Impl::capturePersons(od::value& v, CaseEvent& out) {
  od::json_type t;
  if (v.type().get(t)) return false;
  if (t != od::json_type::array) {
    persons_reason = RejectReason::kWrongType;
    persons_bad_whole = true;
    Slot scratch;  // read anyway, so that its syntax is checked
    return capture(v, scratch);
  }
  od::array array;
  if (v.get_array().get(array)) return false;
  size_t index = 0;
  for (auto element_result : array) {
    od::value element;
    if (element_result.get(element)) return false;
    od::json_type et;
    if (element.type().get(et)) return false;
    if (et == od::json_type::string) {
      std::string_view id;
      if (!readString(element, id)) return false;
      if (persons_reason == RejectReason::kNone) {
        if (index >= limits.max_persons) {
          persons_reason = RejectReason::kOutOfRange;
          persons_bad_whole = true;
        } else if (id.empty() || id.size() > kMaxPersonIdBytes) {
          persons_reason = RejectReason::kOutOfRange;
          persons_bad_whole = false;
          persons_bad_index = index;
        } else {
          out.persons.push_back(pseudonymizer.pseudonymise(id));
        }
      }
    } else {
      if (persons_reason == RejectReason::kNone) {
        persons_reason =
            index >= limits.max_persons ? RejectReason::kOutOfRange : RejectReason::kWrongType;
        persons_bad_whole = index >= limits.max_persons;
        persons_bad_index = index;
      }
      Slot scratch;
      if (et == od::json_type::array || et == od::json_type::object) {
        if (!validateValue(element, 3)) return false;
      } else if (!capture(element, scratch)) {
        return false;
      }
    }
    ++index;
  }
  if (index == 0 && persons_reason == RejectReason::kNone) {
    persons_reason = RejectReason::kOutOfRange;
    persons_bad_whole = true;
  }
  return true;
}

// Walks a value nobody wants (an unknown field, or a known one of the wrong type) so that its
// syntax is checked too: On-Demand would otherwise skip it unread, and `{"x":[1,}` would pass.
bool EventDecoder::Impl::validateValue(od::value& v, size_t depth) {
  od::json_type t;
  if (v.type().get(t)) return false;
  switch (t) {
    case od::json_type::array: {
      if (depth >= limits.max_nesting) return false;
      od::array array;
      if (v.get_array().get(array)) return false;
      for (auto element_result : array) {
        od::value element;
        if (element_result.get(element)) return false;
        if (!validateValue(element, depth + 1)) return false;
      }
      return true;
    }
    case od::json_type::object: {
      if (depth >= limits.max_nesting) return false;
      od::object object;
      if (v.get_object().get(object)) return false;
      for (auto field_result : object) {
        od::field field;
        if (std::move(field_result).get(field)) return false;
        std::string_view key;
        if (!rawKey(field, key)) return false;
        if (!validateValue(field.value(), depth + 1)) return false;
      }
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      return readString(v, s);
    }
    case od::json_type::number: {
      Slot scratch;
      return captureNumber(v, scratch);
    }
    case od::json_type::boolean: {
      bool b;
      return !v.get_bool().get(b);
    }
    case od::json_type::null: {
      bool is_null = false;
      return !v.is_null().get(is_null) && is_null;
    }
  }
  return false;
}

// --- after the pass ---------------------------------------------------------------------------

// Strings: a required one must be 1..max bytes; an optional one may be empty, meaning "not given".
bool EventDecoder::Impl::takeString(Key k, bool required, size_t max_bytes, std::string& dst,
                                    DecodeError& error) {
  if (!has(k)) return required ? fail(error, RejectReason::kMissingField, k) : true;
  const Slot& s = slots[k];
  if (s.kind != Kind::kString) return fail(error, RejectReason::kWrongType, k);
  if (s.str.size() > max_bytes || (required && s.str.empty())) {
    return fail(error, RejectReason::kOutOfRange, k);
  }
  dst.assign(s.str);
  return true;
}

template <typename E>
bool EventDecoder::Impl::takeEnum(Key k, bool required, bool (*from_name)(std::string_view, E&),
                                  E& dst, DecodeError& error) {
  if (!has(k)) return required ? fail(error, RejectReason::kMissingField, k) : true;
  const Slot& s = slots[k];
  if (s.kind != Kind::kString) return fail(error, RejectReason::kWrongType, k);
  if (!from_name(s.str, dst)) return fail(error, RejectReason::kOutOfRange, k);
  return true;
}

// Integers: a fraction or exponent is a wrong type ("5.0" is not an int); an integer outside
// [lo, hi] (including beyond 64 bits) is out of range.
bool EventDecoder::Impl::takeInt(Key k, bool required, int64_t lo, int64_t hi, int64_t& dst,
                                 DecodeError& error) {
  if (!has(k)) return required ? fail(error, RejectReason::kMissingField, k) : true;
  const Slot& s = slots[k];
  if (s.kind != Kind::kInt && s.kind != Kind::kUint && s.kind != Kind::kBigInt) {
    return fail(error, RejectReason::kWrongType, k);
  }
  if (s.kind != Kind::kInt || s.i < lo || s.i > hi) {
    return fail(error, RejectReason::kOutOfRange, k);
  }
  dst = s.i;
  return true;
}

bool EventDecoder::Impl::takePersons(DecodeError& error) {
  if (!has(kPersons)) return fail(error, RejectReason::kMissingField, kPersons);
  if (persons_reason == RejectReason::kNone) return true;
  error.reason = persons_reason;
  if (persons_bad_whole) {
    setField(error, kKeyNames[kPersons]);
  } else {
    char buf[32] = "persons[";
    auto [end, ec] = std::to_chars(buf + 8, buf + sizeof buf - 1, persons_bad_index);
    (void)ec;  // 20 digits always fit
    *end++ = ']';
    setField(error, std::string_view(buf, static_cast<size_t>(end - buf)));
  }
  return false;
}

bool EventDecoder::Impl::validate(CaseEvent& out, DecodeError& error) {
  using R = RejectReason;
  // The version comes first: a future version may change any other field's shape.
  if (!has(kV)) return fail(error, R::kMissingField, kV);
  {
    const Slot& s = slots[kV];
    if (s.kind != Kind::kInt && s.kind != Kind::kUint && s.kind != Kind::kBigInt) {
      return fail(error, R::kWrongType, kV);
    }
    if (s.kind != Kind::kInt || s.i != 1) return fail(error, R::kUnsupportedVersion, kV);
  }
  // Then the type, which decides what else is required.
  if (!has(kType)) return fail(error, R::kMissingField, kType);
  if (slots[kType].kind != Kind::kString) return fail(error, R::kWrongType, kType);
  if (!eventTypeFromName(slots[kType].str, out.type)) return fail(error, R::kUnknownType, kType);

  if (!takeString(kEventId, true, kMaxEventIdBytes, out.event_id, error)) return false;
  if (!takeString(kSource, true, kMaxSourceBytes, out.source, error)) return false;
  if (has(kSeq)) {
    // A negative or > 64-bit integer is out of range; a fraction is a wrong type.
    const Slot& s = slots[kSeq];
    if (s.kind == Kind::kInt && s.i >= 0) {
      out.seq = static_cast<uint64_t>(s.i);
    } else if (s.kind == Kind::kUint) {
      out.seq = s.u;
    } else if (s.kind == Kind::kInt || s.kind == Kind::kBigInt) {
      return fail(error, R::kOutOfRange, kSeq);
    } else {
      return fail(error, R::kWrongType, kSeq);
    }
    out.has_seq = true;
  }
  if (!has(kTs)) return fail(error, R::kMissingField, kTs);
  if (slots[kTs].kind != Kind::kString) return fail(error, R::kWrongType, kTs);
  {
    const std::optional<TimeMs> ts = parseRfc3339(slots[kTs].str);
    if (!ts) return fail(error, R::kBadTimestamp, kTs);
    out.ts = *ts;
  }
  const bool is_visit = out.type == EventType::kVisit;
  if (!takeString(kCaseId, !is_visit, kMaxCaseIdBytes, out.case_id, error)) return false;

  const size_t max_text = limits.max_string_bytes;
  int64_t n = 0;
  switch (out.type) {
    case EventType::kRegistered:
    case EventType::kVisit:
      if (!takePersons(error)) return false;
      if (!takeString(kMatter, true, max_text, out.matter, error)) return false;
      if (!takeString(kRegion, true, max_text, out.region, error)) return false;
      if (!is_visit) {
        if (!takeString(kAgency, true, max_text, out.agency, error)) return false;
        if (!takeString(kCategory, true, max_text, out.category, error)) return false;
        if (!takeEnum(kChannel, true, channelFromName, out.channel, error)) return false;
      }
      if (!takeEnum(kLevel, true, levelFromName, out.level, error)) return false;
      if (!is_visit &&
          !takeEnum(kCompetentLevel, false, levelFromName, out.competent_level, error)) {
        return false;
      }
      if (!takeInt(kGroupSize, false, 1, kMaxGroupSize, n, error)) return false;
      out.group_size = static_cast<uint32_t>(n);
      return true;
    case EventType::kAccepted:
      out.persons.clear();  // persons belong to other types: ignored like any other field
      return takeString(kAgency, false, max_text, out.agency, error);
    case EventType::kRejected:
    case EventType::kReopened:
      out.persons.clear();
      return takeString(kReason, false, max_text, out.reason, error);
    case EventType::kTransferred:
      out.persons.clear();
      return takeString(kToAgency, true, max_text, out.to_agency, error) &&
             takeEnum(kToLevel, false, levelFromName, out.to_level, error);
    case EventType::kExtended:
      out.persons.clear();
      if (!takeInt(kDays, true, kMinExtensionDays, kMaxExtensionDays, n, error)) return false;
      out.days = static_cast<int32_t>(n);
      return true;
    case EventType::kReplied:
    case EventType::kReviewDecided:
    case EventType::kRecheckDecided:
      out.persons.clear();
      return takeEnum(kOutcome, true, outcomeFromName, out.outcome, error);
    case EventType::kReviewRequested:
    case EventType::kRecheckRequested:
      out.persons.clear();
      return takeEnum(kLevel, false, levelFromName, out.level, error);
    case EventType::kLeaderAssigned:
      out.persons.clear();
      return takeString(kLeader, true, max_text, out.leader, error);
    case EventType::kAidGranted:
      out.persons.clear();
      if (has(kAmount)) {
        const Slot& s = slots[kAmount];
        if (!isNumber(s.kind)) return fail(error, R::kWrongType, kAmount);
        if (!(s.d >= 0)) return fail(error, R::kOutOfRange, kAmount);
        out.amount = s.d;
        out.has_amount = true;
      }
      return true;
    case EventType::kClosed:
      out.persons.clear();
      if (!has(kResolved)) return fail(error, R::kMissingField, kResolved);
      if (slots[kResolved].kind != Kind::kBool) return fail(error, R::kWrongType, kResolved);
      out.resolved = slots[kResolved].b;
      return takeEnum(kSatisfaction, false, satisfactionFromName, out.satisfaction, error);
    case EventType::kProceduralReply:
    case EventType::kHearingHeld:
    case EventType::kSettled:
      out.persons.clear();
      return true;
  }
  return fail(error, R::kUnknownType, kType);  // unreachable: eventTypeFromName covers the enum
}

}  // namespace casewatch
