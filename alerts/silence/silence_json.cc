#include "alerts/silence/silence_json.h"

namespace casewatch {

nlohmann::json silenceToJson(const Silence& s) {
  nlohmann::json matchers = nlohmann::json::array();
  for (const SilenceMatcher& m : s.matchers) {
    matchers.push_back({{"name", m.name}, {"value", m.value}, {"is_regex", m.is_regex}});
  }
  return {{"id", s.id},
          {"matchers", std::move(matchers)},
          {"starts_at", s.starts_at},
          {"ends_at", s.ends_at},
          {"created_by", s.created_by},
          {"comment", s.comment},
          {"expired_at", s.expired_at},
          {"expired_by", s.expired_by}};
}

Silence silenceFromJson(const nlohmann::json& j) {
  Silence s;
  s.id = j.value("id", "");
  for (const auto& m : j.value("matchers", nlohmann::json::array())) {
    if (!m.is_object()) continue;
    s.matchers.push_back(
        SilenceMatcher{m.value("name", ""), m.value("value", ""), m.value("is_regex", false)});
  }
  s.starts_at = j.value("starts_at", TimeMs{0});
  s.ends_at = j.value("ends_at", TimeMs{0});
  s.created_by = j.value("created_by", "");
  s.comment = j.value("comment", "");
  s.expired_at = j.value("expired_at", TimeMs{0});
  s.expired_by = j.value("expired_by", "");
  return s;
}

}  // namespace casewatch
