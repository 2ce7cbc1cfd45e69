#include "alerts/wording/phrase_cache.h"

#include <bit>

#include "absl/hash/hash.h"

namespace casewatch {

PhraseCache::PhraseCache(size_t slots)
    : wording_(&AlertWording::builtin()), slots_(std::bit_ceil(std::max<size_t>(slots, 1))) {}

void PhraseCache::setWording(const AlertWording* wording) {
  wording_ = wording != nullptr ? wording : &AlertWording::builtin();
  for (Slot& s : slots_) s = Slot();
}

LocalText PhraseCache::say(const Phrase& phrase) {
  if (phrase.empty()) return {};
  const uint64_t hash = absl::HashOf(phrase) | 1;
  Slot& slot = slots_[(hash >> 1) & (slots_.size() - 1)];
  if (slot.hash == hash) {
    ++hits_;
    return slot.words;
  }
  ++misses_;
  slot.hash = hash;
  slot.words = wording_->say(phrase);
  return slot.words;
}

std::vector<AlertReason> PhraseCache::reasons(std::vector<Reason>&& reasons) {
  std::vector<AlertReason> out;
  out.reserve(reasons.size());
  for (Reason& r : reasons) {
    AlertReason& w = out.emplace_back();
    w.code = std::move(r.code);
    w.number = r.number;
    w.string_value =
        r.value_words.empty() ? std::move(r.string_value) : say(r.value_words).get("en");
    w.text = say(r.text);
  }
  return out;
}

}  // namespace casewatch
