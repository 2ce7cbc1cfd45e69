// Makes a rejected feed message safe to keep as a dead letter: what is stored, logged and served
// by the API never holds a raw person id or a field outside the feed contract
// (shared/contracts/events.md).
//
// The rule (README "Privacy"), first match wins:
//  - Larger than DecoderLimits::max_message_bytes, or not one JSON object (truncated, invalid JSON
//    or UTF-8, an array, a scalar): nothing of the body is kept. A byte prefix is not safe either
//    (a `persons` array may come first, and a truncated id cannot be told from a field name), so
//    the result is `{"dropped":"too_large"|"not_json"|"not_an_object","bytes":N,"digest":"<hex>"}`,
//    where `digest` is the keyed hash (the Pseudonymizer's key) of the whole message: identical
//    resends can be matched, nothing can be guessed back from it.
//  - A JSON object: only the contract's event fields are kept, in their order, and re-serialised
//    (compact JSON); every other field is dropped, whatever it holds. Under `persons`, every string
//    or number, at any depth and however many, becomes its pseudonym ("p_" + 16 hex digits, the
//    decoder's: an analyst can correlate it with accepted events); structure, booleans and nulls
//    stay. Under any other contract field, a scalar is kept as it is and an array or object is
//    replaced by the string "<array dropped>" / "<object dropped>" (it has no contract meaning and
//    could hold anything). Containers nested deeper than DecoderLimits::max_nesting inside
//    `persons` become "<too deep>".
//  - The result is cut to `max_bytes` (at a UTF-8 boundary); since everything in it is already
//    sanitised, the cut can make it invalid JSON but cannot expose anything.
//
// Safe on any bytes (never throws on input; allocation failure aside). Thread-safety: one per
// thread (it owns a simdjson parser); BatchDecoder holds one, on its connector's thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"

namespace simdjson::dom {
class element;
class parser;
}  // namespace simdjson::dom

namespace casewatch {

class DeadLetterSanitiser {
 public:
  // `pseudonymizer` must outlive this object. `max_bytes` bounds the result (>= 1).
  DeadLetterSanitiser(const Pseudonymizer& pseudonymizer, DecoderLimits limits, size_t max_bytes);
  ~DeadLetterSanitiser();
  DeadLetterSanitiser(DeadLetterSanitiser&&) noexcept;
  DeadLetterSanitiser(const DeadLetterSanitiser&) = delete;
  DeadLetterSanitiser& operator=(const DeadLetterSanitiser&) = delete;

  // The dead-letter text for a rejected `message` (see the rule above).
  std::string sanitise(std::string_view message);
  // The dead-letter text for a message rejected as too large by a feed's own limit, without
  // parsing it: `{"dropped":"too_large","bytes":N,"digest":"<hex>"}`.
  std::string tooLarge(std::string_view message) const { return dropped("too_large", message); }
  // The dead-letter text for a too-large message never held whole (a feed skipped it chunk by
  // chunk): `{"dropped":"too_large","bytes":N}`, without a digest.
  std::string tooLarge(size_t size) const;

 private:
  std::string dropped(std::string_view why, std::string_view message) const;
  void writePersons(const simdjson::dom::element& e, size_t depth, std::string& out) const;
  static void writeScalar(const simdjson::dom::element& e, std::string& out);

  const Pseudonymizer& pseudonymizer_;
  DecoderLimits limits_;
  size_t max_bytes_;
  std::unique_ptr<simdjson::dom::parser> parser_;
};

}  // namespace casewatch
