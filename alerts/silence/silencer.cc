#include "alerts/silence/silencer.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "alerts/alert_labels.h"
#include "alerts/silence/silence_json.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

std::string newSilenceId() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

bool matcherMatches(const SilenceMatcher& m, const SilenceRegex* re, const std::string& value) {
  if (re == nullptr) return value == m.value;
  return re->fullMatch(value);
}

}  // namespace

absl::StatusOr<Silencer::Compiled> Silencer::compile(Silence s) {
  Compiled c;
  if (s.matchers.empty()) return absl::InvalidArgumentError("matchers: at least one is needed");
  bool matches_something = false;
  for (size_t i = 0; i < s.matchers.size(); ++i) {
    const SilenceMatcher& m = s.matchers[i];
    if (!isAlertLabelName(m.name)) {
      std::string names;
      for (std::string_view n : kAlertLabelNames) strAppend(names, names.empty() ? "" : ", ", n);
      return absl::InvalidArgumentError(
          strCat("matchers[", i, "].name: unknown label \"", m.name, "\" (known: ", names, ")"));
    }
    std::shared_ptr<const SilenceRegex> re;
    if (m.is_regex) {
      auto compiled = SilenceRegex::compile(m.value);
      if (!compiled.ok()) {
        return absl::InvalidArgumentError(
            strCat("matchers[", i,
                   "].value: not a valid regular expression: ", compiled.status().message()));
      }
      re = std::move(*compiled);
    }
    if (!matcherMatches(m, re.get(), "")) matches_something = true;
    c.regexes.push_back(std::move(re));
  }
  if (!matches_something) {
    return absl::InvalidArgumentError(
        "matchers: at least one must not match the empty value (a silence must not mute every "
        "alert)");
  }
  c.silence = std::move(s);
  return c;
}

bool Silencer::matches(const Compiled& c, const Alert& a, const AlertNames& names) {
  for (size_t i = 0; i < c.silence.matchers.size(); ++i) {
    const SilenceMatcher& m = c.silence.matchers[i];
    if (!matcherMatches(m, c.regexes[i].get(), alertLabel(a, m.name, names))) return false;
  }
  return true;
}

bool Silencer::matchesForTest(const Silence& s, const Alert& a, const AlertNames& names) {
  auto c = compile(s);
  return c.ok() && matches(*c, a, names);
}

absl::StatusOr<Silence> Silencer::add(Silence s, const std::string& by, TimeMs now) {
  if (s.comment.empty()) return absl::InvalidArgumentError("comment: a reason is needed");
  if (s.starts_at == 0) s.starts_at = now;
  if (s.ends_at <= s.starts_at) {
    return absl::InvalidArgumentError("ends_at: must be after starts_at");
  }
  if (s.ends_at <= now) return absl::InvalidArgumentError("ends_at: must be in the future");
  if (s.id.empty()) s.id = newSilenceId();  // else the id the other replica of an HA pair gave it
  s.created_by = by;
  s.expired_at = 0;
  s.expired_by.clear();
  auto c = compile(std::move(s));
  if (!c.ok()) return c.status();
  silences_.push_back(std::move(*c));
  return silences_.back().silence;
}

absl::StatusOr<Silence> Silencer::expire(const std::string& id, const std::string& by, TimeMs now) {
  for (Compiled& c : silences_) {
    if (c.silence.id != id) continue;
    if (endOf(c.silence) <= now) {
      return absl::FailedPreconditionError(strCat("silence ", id, " has already ended"));
    }
    c.silence.expired_at = std::max(now, c.silence.starts_at);
    c.silence.expired_by = by;
    return c.silence;
  }
  return absl::NotFoundError(strCat("no silence ", id));
}

std::string Silencer::match(const Alert& a, TimeMs now) const {
  for (const Compiled& c : silences_) {
    if (c.silence.active(now) && matches(c, a, names_)) return c.silence.id;
  }
  return {};
}

const Silence* Silencer::find(const std::string& id) const {
  for (const Compiled& c : silences_) {
    if (c.silence.id == id) return &c.silence;
  }
  return nullptr;
}

std::vector<Silence> Silencer::list() const {
  std::vector<Silence> out;
  out.reserve(silences_.size());
  for (auto it = silences_.rbegin(); it != silences_.rend(); ++it) out.push_back(it->silence);
  return out;
}

size_t Silencer::collectGarbage(TimeMs now) {
  const size_t before = silences_.size();
  std::erase_if(silences_,
                [&](const Compiled& c) { return endOf(c.silence) + retention_ms_ <= now; });
  return before - silences_.size();
}

std::string Silencer::toJson() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const Compiled& c : silences_) arr.push_back(silenceToJson(c.silence));
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::Status Silencer::loadJson(std::string_view text) {
  const nlohmann::json arr = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (arr.is_discarded() || !arr.is_array()) {
    return absl::DataLossError("silences: not a JSON array");
  }
  silences_.clear();
  std::string skipped;
  for (const auto& j : arr) {
    if (!j.is_object()) continue;
    Silence s = silenceFromJson(j);
    const std::string id = s.id;
    auto c = compile(std::move(s));
    if (!c.ok() || id.empty()) {
      strAppend(skipped, skipped.empty() ? "" : "; ", id.empty() ? "(no id)" : id, ": ",
                c.ok() ? "no id" : c.status().message());
      continue;
    }
    silences_.push_back(std::move(*c));
  }
  if (!skipped.empty()) return absl::DataLossError(strCat("silences skipped: ", skipped));
  return absl::OkStatus();
}

}  // namespace casewatch
