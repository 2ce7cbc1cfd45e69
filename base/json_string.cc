#include "base/json_string.h"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace casewatch {
namespace {

bool needsEscape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

// The letter of a two-character escape (`\n`), or 0 for a byte written as \u00xx.
char shortEscape(unsigned char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\t':
      return 't';
    case '\n':
      return 'n';
    case '\f':
      return 'f';
    case '\r':
      return 'r';
    default:
      return 0;
  }
}

// The first byte at or after `p` that needs an escape (or `end`); `high` is set when a byte of
// 0x80 or above was passed over (the string then needs a UTF-8 check).
const char* plainRunEnd(const char* p, const char* end, bool& high) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1f);
  int any_high = 0;
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // v <= 0x1f, unsigned: min(v, 0x1f) == v.
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v);
    const __m128i stop =
        _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    const int stop_mask = _mm_movemask_epi8(stop);
    if (stop_mask != 0) {
      const int n = __builtin_ctz(static_cast<unsigned>(stop_mask));
      // Only the bytes before the stop count as passed over.
      any_high |= _mm_movemask_epi8(v) & ((1 << n) - 1);
      high = high || any_high != 0;
      return p + n;
    }
    any_high |= _mm_movemask_epi8(v);
    p += 16;
  }
  high = high || any_high != 0;
#endif
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (needsEscape(c)) return p;
    if (c >= 0x80) high = true;
  }
  return end;
}

}  // namespace

bool appendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = s.data();
  const char* const end = p + s.size();
  bool high = false;
  out.push_back('"');
  while (true) {
    const char* run = p;
    p = plainRunEnd(p, end, high);
    out.append(run, static_cast<size_t>(p - run));
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    if (const char e = shortEscape(c); e != 0) {
      const char esc[2] = {'\\', e};
      out.append(esc, 2);
    } else {
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      out.append(u, 6);
    }
  }
  out.push_back('"');
  return !high || simdjson::validate_utf8(s.data(), s.size());
}

}  // namespace casewatch
