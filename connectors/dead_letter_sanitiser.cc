#include "connectors/dead_letter_sanitiser.h"

#include <simdjson.h>

#include "base/str_cat.h"

namespace casewatch {
namespace {

namespace dom = simdjson::dom;

void appendQuoted(std::string& out, std::string_view s) {
  // simdjson has validated the UTF-8; only quotes, backslashes and control characters need escapes.
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// Typed reads of an element whose type the caller has checked (error-code API: never throws).
std::string_view stringOf(const dom::element& e) {
  return e.get_string().value_unsafe();
}
dom::array arrayOf(const dom::element& e) {
  return e.get_array().value_unsafe();
}
dom::object objectOf(const dom::element& e) {
  return e.get_object().value_unsafe();
}

// The longest prefix of `s` no longer than `n` that does not split a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

DeadLetterSanitiser::DeadLetterSanitiser(const Pseudonymizer& pseudonymizer, DecoderLimits limits,
                                         size_t max_bytes)
    : pseudonymizer_(pseudonymizer),
      limits_(limits),
      max_bytes_(std::max<size_t>(max_bytes, 1)),
      parser_(std::make_unique<dom::parser>()) {}

DeadLetterSanitiser::~DeadLetterSanitiser() = default;
DeadLetterSanitiser::DeadLetterSanitiser(DeadLetterSanitiser&&) noexcept = default;

std::string DeadLetterSanitiser::sanitise(std::string_view message) {
  if (message.size() > limits_.max_message_bytes) return dropped("too_large", message);
  dom::element doc;
  // realloc_if_needed: simdjson parses a padded copy, so the caller's bytes need no padding.
  if (parser_->parse(message.data(), message.size(), true).get(doc)) {
    return dropped("not_json", message);
  }
  dom::object object;
  if (doc.get_object().get(object)) return dropped("not_an_object", message);

  std::string out = "{";
  for (const dom::key_value_pair field : object) {
    if (!isContractEventField(field.key)) continue;  // unknown: dropped, whatever it holds
    if (out.size() > 1) out.push_back(',');
    appendQuoted(out, field.key);
    out.push_back(':');
    if (field.key == "persons") {
      writePersons(field.value, 1, out);
    } else if (field.value.is_array()) {
      appendQuoted(out, "<array dropped>");
    } else if (field.value.is_object()) {
      appendQuoted(out, "<object dropped>");
    } else {
      writeScalar(field.value, out);
    }
    // Stop early on a huge message: what follows would be cut anyway.
    if (out.size() > max_bytes_) break;
  }
  out.push_back('}');
  if (out.size() > max_bytes_) out.resize(utf8Prefix(out, max_bytes_).size());
  return out;
}

std::string DeadLetterSanitiser::dropped(std::string_view why, std::string_view message) const {
  std::string out =
      strCat("{\"dropped\":\"", why, "\",\"bytes\":", message.size(), ",\"digest\":\"",
             fmt::format("{:016x}", pseudonymizer_.pseudonymise(message)), "\"}");
  if (out.size() > max_bytes_) out.resize(max_bytes_);  // ASCII only
  return out;
}

std::string DeadLetterSanitiser::tooLarge(size_t size) const {
  std::string out = strCat("{\"dropped\":\"too_large\",\"bytes\":", size, "}");
  if (out.size() > max_bytes_) out.resize(max_bytes_);  // ASCII only
  return out;
}

void DeadLetterSanitiser::writePersons(const dom::element& e, size_t depth,
                                       std::string& out) const {
  switch (e.type()) {
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT: {
      // `depth` counts from the event object (1): the same bound as the decoder's.
      if (depth + 1 > limits_.max_nesting) {
        appendQuoted(out, "<too deep>");
        return;
      }
      const bool is_array = e.type() == dom::element_type::ARRAY;
      out.push_back(is_array ? '[' : '{');
      bool first = true;
      if (is_array) {
        for (const dom::element item : arrayOf(e)) {
          if (!first) out.push_back(',');
          first = false;
          writePersons(item, depth + 1, out);
          if (out.size() > max_bytes_) break;
        }
      } else {
        // Keys inside `persons` are not contract fields and may be ids themselves: pseudonymised.
        for (const dom::key_value_pair kv : objectOf(e)) {
          if (!first) out.push_back(',');
          first = false;
          appendQuoted(out, Pseudonymizer::format(pseudonymizer_.pseudonymise(kv.key)));
          out.push_back(':');
          writePersons(kv.value, depth + 1, out);
          if (out.size() > max_bytes_) break;
        }
      }
      out.push_back(is_array ? ']' : '}');
      return;
    }
    case dom::element_type::STRING:
      // The same pseudonym the decoder gives the id (both hash the unescaped string).
      appendQuoted(out, Pseudonymizer::format(pseudonymizer_.pseudonymise(stringOf(e))));
      return;
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: {
      // A number may be an id too (an identity card number): hashed as its text.
      std::string text;
      writeScalar(e, text);
      appendQuoted(out, Pseudonymizer::format(pseudonymizer_.pseudonymise(text)));
      return;
    }
    case dom::element_type::BOOL:
    case dom::element_type::NULL_VALUE:
      writeScalar(e, out);
      return;
  }
}

void DeadLetterSanitiser::writeScalar(const dom::element& e, std::string& out) {
  switch (e.type()) {
    case dom::element_type::STRING:
      appendQuoted(out, stringOf(e));
      return;
    case dom::element_type::INT64:
      strAppend(out, e.get_int64().value_unsafe());
      return;
    case dom::element_type::UINT64:
      strAppend(out, e.get_uint64().value_unsafe());
      return;
    case dom::element_type::DOUBLE:
      strAppend(out, e.get_double().value_unsafe());
      return;
    case dom::element_type::BOOL:
      out += e.get_bool().value_unsafe() ? "true" : "false";
      return;
    case dom::element_type::NULL_VALUE:
      out += "null";
      return;
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT:
      appendQuoted(out, "<dropped>");  // callers pass scalars; kept safe regardless
      return;
  }
}

}  // namespace casewatch
