// The generated feed: determinism, the event contract on every line, the realism the daemon's
// models need (a burst, repeat petitioners, overdue cases), and the truth file against an
// independent pass of the oracle over the parsed feed (tools/feedgen/feed_generator.h).
#include "tools/feedgen/feed_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "tests/fakes/temp_file.h"
#include "tools/feedgen/case_clock.h"

namespace casewatch::feedgen {
namespace {

using nlohmann::json;

FeedgenOptions smallOptions(uint64_t seed = 7) {
  FeedgenOptions o;
  o.cases = 2000;
  o.seed = seed;
  o.days = 120;
  o.regions = 6;
  return o;
}

std::vector<std::string> generate(const FeedgenOptions& options) {
  FeedGenerator g(options, false);
  std::vector<std::string> lines;
  FeedLine line;
  while (g.next(line)) lines.emplace_back(line.json);
  return lines;
}

std::vector<json> parseAll(const std::vector<std::string>& lines) {
  std::vector<json> out;
  out.reserve(lines.size());
  for (const std::string& l : lines) out.push_back(json::parse(l));
  return out;
}

bool isOneOf(const json& v, std::initializer_list<const char*> allowed) {
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return s == a; });
}

bool validLevel(const json& v) {
  return isOneOf(v, {"county", "city", "province", "national"});
}
bool validOutcome(const json& v) {
  return isOneOf(v, {"upheld", "partly_upheld", "not_upheld"});
}
bool validPersons(const json& v) {
  if (!v.is_array() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const json& p) { return p.is_string(); });
}

// Empty when `e` satisfies shared/contracts/events.md; otherwise what is wrong.
std::string contractError(const json& e) {
  if (!e.is_object()) return "not an object";
  if (!e.contains("v") || e["v"] != 1) return "v";
  if (!e.contains("event_id") || !e["event_id"].is_string() ||
      e["event_id"].get<std::string>().size() > 128) {
    return "event_id";
  }
  if (!e.contains("source") || !e["source"].is_string() ||
      e["source"].get<std::string>().size() > 64) {
    return "source";
  }
  if (!e.contains("seq") || !e["seq"].is_number_unsigned()) return "seq";
  if (!e.contains("type") || !e["type"].is_string()) return "type";
  if (!e.contains("ts") || !e["ts"].is_string() || !parseRfc3339(e["ts"].get<std::string>())) {
    return "ts";
  }
  const std::string type = e["type"];
  const bool has_case = e.contains("case_id");
  if (has_case && (!e["case_id"].is_string() || e["case_id"].get<std::string>().empty() ||
                   e["case_id"].get<std::string>().size() > 128)) {
    return "case_id";
  }
  if (type != "visit" && !has_case) return "case_id missing";
  auto str = [&](const char* k) { return e.contains(k) && e[k].is_string(); };
  auto optLevel = [&](const char* k) { return !e.contains(k) || validLevel(e[k]); };
  auto optGroup = [&] {
    return !e.contains("group_size") ||
           (e["group_size"].is_number_unsigned() && e["group_size"].get<int>() >= 1);
  };
  if (type == "case.registered") {
    if (!e.contains("persons") || !validPersons(e["persons"])) return "persons";
    if (!str("matter") || !str("region") || !str("agency")) return "matter/region/agency";
    if (!e.contains("category") ||
        !isOneOf(e["category"],
                 {"wage_arrears", "demolition", "land", "judicial", "social_security", "other"})) {
      return "category";
    }
    if (!e.contains("channel") || !isOneOf(e["channel"], {"visit", "letter", "online", "phone"})) {
      return "channel";
    }
    if (!e.contains("level") || !validLevel(e["level"])) return "level";
    if (!optLevel("competent_level") || !optGroup()) return "competent_level/group_size";
  } else if (type == "case.accepted") {
    if (e.contains("agency") && !str("agency")) return "agency";
  } else if (type == "case.rejected" || type == "case.reopened") {
    if (e.contains("reason") && !str("reason")) return "reason";
  } else if (type == "case.transferred") {
    if (!str("to_agency") || !optLevel("to_level")) return "to_agency/to_level";
  } else if (type == "case.extended") {
    if (!e.contains("days") || !e["days"].is_number_integer() || e["days"].get<int>() < 1 ||
        e["days"].get<int>() > 30) {
      return "days";
    }
  } else if (type == "case.replied" || type == "case.review_decided" ||
             type == "case.recheck_decided") {
    if (!e.contains("outcome") || !validOutcome(e["outcome"])) return "outcome";
  } else if (type == "case.review_requested" || type == "case.recheck_requested") {
    if (!optLevel("level")) return "level";
  } else if (type == "case.leader_assigned") {
    if (!str("leader")) return "leader";
  } else if (type == "case.aid_granted") {
    if (e.contains("amount") && !e["amount"].is_number()) return "amount";
  } else if (type == "case.closed") {
    if (!e.contains("resolved") || !e["resolved"].is_boolean()) return "resolved";
    if (e.contains("satisfaction") &&
        !isOneOf(e["satisfaction"], {"satisfied", "unsatisfied", "unknown"})) {
      return "satisfaction";
    }
  } else if (type == "visit") {
    if (!e.contains("persons") || !validPersons(e["persons"])) return "persons";
    if (!str("matter") || !str("region")) return "matter/region";
    if (!e.contains("level") || !validLevel(e["level"]) || !optGroup()) return "level/group_size";
  } else if (type != "case.procedural_reply" && type != "case.hearing_held" &&
             type != "case.settled") {
    return "unknown type " + type;
  }
  return "";
}

TEST(FeedGeneratorTest, SameSeedGivesTheSameBytesAndAnotherSeedDoesNot) {
  const std::vector<std::string> a = generate(smallOptions(11));
  const std::vector<std::string> b = generate(smallOptions(11));
  const std::vector<std::string> c = generate(smallOptions(12));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(FeedGeneratorTest, EveryLineFollowsTheContract) {
  const FeedgenOptions options = smallOptions();
  const std::vector<json> events = parseAll(generate(options));
  std::set<std::string> event_ids;
  std::map<std::string, uint64_t> last_seq;
  std::set<std::string> registered;
  std::map<std::string, int> types;
  TimeMs previous = 0;
  const TimeMs window_start = *parseRfc3339("2026-01-05T00:00:00+08:00");
  const TimeMs window_end = *parseRfc3339("2026-05-05T00:00:00+08:00");
  for (const json& e : events) {
    const std::string error = contractError(e);
    ASSERT_EQ(error, "") << e.dump();
    const std::string ts = e["ts"];
    EXPECT_EQ(ts.substr(ts.size() - 6), "+08:00");
    const TimeMs t = *parseRfc3339(ts);
    ASSERT_GE(t, previous) << "not sorted at " << e.dump();
    ASSERT_GE(t, window_start);
    ASSERT_LT(t, window_end);
    previous = t;
    ASSERT_TRUE(event_ids.insert(e["event_id"]).second) << "duplicate " << e["event_id"];
    const std::string source = e["source"];
    EXPECT_EQ(e["seq"].get<uint64_t>(), last_seq[source] + 1) << e.dump();
    last_seq[source] = e["seq"];
    const std::string type = e["type"];
    ++types[type];
    if (type == "case.registered") {
      EXPECT_TRUE(registered.insert(e["case_id"]).second) << "registered twice: " << e.dump();
    } else if (e.contains("case_id")) {
      EXPECT_TRUE(registered.count(e["case_id"])) << "before its registration: " << e.dump();
    }
  }
  EXPECT_EQ(registered.size(), options.cases);
  // Every event type of the contract occurs.
  for (const char* t :
       {"case.registered", "case.accepted", "case.rejected", "case.transferred",
        "case.procedural_reply", "case.extended", "case.replied", "case.review_requested",
        "case.review_decided", "case.leader_assigned", "case.hearing_held", "case.aid_granted",
        "case.settled", "case.closed", "case.reopened", "visit"}) {
    EXPECT_GT(types[t], 0) << t;
  }
  // Both producing systems of a region appear (the petition system and the 12309 centre).
  EXPECT_TRUE(last_seq.count("huichuan-xinfang"));
  EXPECT_TRUE(last_seq.count("huichuan-12309"));
}

TEST(FeedGeneratorTest, ContainsOneCollectiveBurst) {
  const std::vector<json> events = parseAll(generate(smallOptions()));
  std::map<std::string, std::set<std::string>> persons_by_matter;
  std::map<std::string, std::pair<TimeMs, TimeMs>> span;
  std::map<std::string, std::set<std::string>> regions;
  int large_groups = 0;
  for (const json& e : events) {
    if (!e.contains("matter")) continue;
    const std::string matter = e["matter"];
    if (matter.find("-site-") == std::string::npos) continue;
    for (const json& p : e["persons"]) persons_by_matter[matter].insert(p.get<std::string>());
    const TimeMs t = *parseRfc3339(e["ts"].get<std::string>());
    auto [it, fresh] = span.try_emplace(matter, t, t);
    it->second.first = std::min(it->second.first, t);
    it->second.second = std::max(it->second.second, t);
    regions[matter].insert(e["region"].get<std::string>());
    if (e["type"] == "case.registered" && e.value("group_size", 0) >= 10) ++large_groups;
  }
  ASSERT_EQ(persons_by_matter.size(), 1u);
  const auto& [matter, persons] = *persons_by_matter.begin();
  EXPECT_GE(persons.size(), 30u);
  EXPECT_LE(persons.size(), 80u);
  EXPECT_LT(span[matter].second - span[matter].first, 3 * kMsPerDay);
  EXPECT_EQ(regions[matter].size(), 1u);
  EXPECT_GE(large_groups, 2);

  FeedgenOptions quiet = smallOptions();
  quiet.burst = false;
  for (const std::string& line : generate(quiet)) {
    ASSERT_EQ(line.find("-site-"), std::string::npos) << line;
  }
}

TEST(FeedGeneratorTest, RepeatPetitionersComeBackOnTheSameMatter) {
  const std::vector<json> events = parseAll(generate(smallOptions()));
  std::map<std::pair<std::string, std::string>, int> contacts;  // (person, matter)
  std::map<std::string, std::set<std::string>> matters_of_person;
  for (const json& e : events) {
    if (e["type"] != "visit" && e["type"] != "case.registered") continue;
    for (const json& p : e["persons"]) {
      ++contacts[{p.get<std::string>(), e["matter"].get<std::string>()}];
      matters_of_person[p.get<std::string>()].insert(e["matter"].get<std::string>());
    }
  }
  int repeaters = 0;
  for (const auto& [key, n] : contacts) {
    if (n >= 6) ++repeaters;
  }
  // ~3% of 2000 cases' petitioners (60 are planned), each on a single matter.
  EXPECT_GE(repeaters, 40);
  EXPECT_LE(repeaters, 80);
  for (const auto& [person, matters] : matters_of_person) EXPECT_EQ(matters.size(), 1u) << person;
  // Everybody else comes at most three times (registration, a chase visit, a burst revisit).
  int others_over_three = 0;
  for (const auto& [key, n] : contacts) {
    if (n > 3 && n < 6) ++others_over_three;
  }
  EXPECT_LE(others_over_three, repeaters / 2);
}

TEST(FeedGeneratorTest, RecurringMattersDrawContactsFromANewPersonEachTimeAndAreInTheTruth) {
  FeedgenOptions options = smallOptions();
  options.recurring_matters = 5;
  FeedGenerator g(options, true);
  std::map<std::string, std::vector<std::string>> persons;  // matter -> persons of its contacts
  std::map<std::string, std::set<int64_t>> days;
  FeedLine line;
  while (g.next(line)) {
    const json e = json::parse(line.json);
    if (e["type"] != "visit" && e["type"] != "case.registered") continue;
    for (const json& p : e["persons"]) persons[e["matter"]].push_back(p.get<std::string>());
    days[e["matter"]].insert(World::localDay(*parseRfc3339(e["ts"].get<std::string>())));
  }
  const casewatch::testing::TempFile truth_file("");  // its own: the sanitized run is concurrent
  const std::string& path = truth_file.path();
  ASSERT_TRUE(g.writeTruth(path).ok());
  std::ifstream in(path);
  int recurring = 0, quiet = 0;
  for (std::string text; std::getline(in, text);) {
    const json t = json::parse(text);
    if (t["kind"] == "meta") {
      EXPECT_EQ(t["recurring_matters"], 5);
      EXPECT_EQ(t["quiet_matters"], 20);
    }
    if (t["kind"] != "recurring_matter" && t["kind"] != "quiet_matter") continue;
    const std::string m = t["matter"];
    (t["kind"] == "recurring_matter" ? recurring : quiet) += 1;
    // The truth counts what the feed holds; the planned contacts are each by a new person (a
    // registration's lifecycle may bring its own person back once to chase the case).
    EXPECT_EQ(t["contacts"].get<size_t>(), persons[m].size()) << m;
    EXPECT_EQ(t["contact_days"].get<size_t>(), days[m].size()) << m;
    const std::set<std::string> distinct(persons[m].begin(), persons[m].end());
    EXPECT_GE(distinct.size() * 2, persons[m].size()) << m;
    if (t["kind"] == "recurring_matter") {
      EXPECT_GE(t["contact_days"].get<int>(), 5) << m;
    } else {
      EXPECT_LE(t["contacts"].get<int>(), 10) << m;
    }
  }
  EXPECT_EQ(recurring, 5);
  EXPECT_EQ(quiet, 20);
}

TEST(FeedGeneratorTest, PersonIdsAreRawOnlyWhenAskedFor) {
  FeedgenOptions raw = smallOptions();
  raw.cases = 200;
  raw.raw_persons = true;
  for (const json& e : parseAll(generate(raw))) {
    if (!e.contains("persons")) continue;
    for (const json& p : e["persons"]) {
      const std::string id = p;
      EXPECT_EQ(id.rfind("id:", 0), 0u) << id;
      EXPECT_EQ(id.size(), 13u);
    }
  }
  FeedgenOptions pseudo = raw;
  pseudo.raw_persons = false;
  for (const json& e : parseAll(generate(pseudo))) {
    if (!e.contains("persons")) continue;
    for (const json& p : e["persons"]) EXPECT_EQ(p.get<std::string>().rfind("p:", 0), 0u);
  }
}

TEST(FeedGeneratorTest, SmallAndOddShapesStillWork) {
  FeedgenOptions tiny;
  tiny.cases = 1;
  tiny.days = 1;
  tiny.regions = 1;
  tiny.burst = false;
  const std::vector<json> one = parseAll(generate(tiny));
  ASSERT_FALSE(one.empty());
  EXPECT_EQ(one.front()["type"], "case.registered");
  for (const json& e : one) EXPECT_EQ(contractError(e), "");

  FeedgenOptions wide = smallOptions();
  wide.regions = 20;
  wide.days = 30;
  wide.start = CivilDate{2026, 2, 10};  // across the Spring Festival holiday
  const std::vector<json> events = parseAll(generate(wide));
  std::set<std::string> regions;
  for (const json& e : events) {
    ASSERT_EQ(contractError(e), "");
    if (e.contains("region")) regions.insert(e["region"].get<std::string>());
  }
  EXPECT_EQ(regions.size(), 20u);
}

// The truth file, checked against a second pass of the oracle over the parsed feed.
TEST(FeedGeneratorTest, TruthMatchesAnIndependentPassOverTheFeed) {
  const FeedgenOptions options = smallOptions(3);
  FeedGenerator g(options, true);
  std::vector<json> events;
  FeedLine line;
  while (g.next(line)) events.push_back(json::parse(line.json));
  const casewatch::testing::TempFile truth_file("");  // its own: the sanitized run is concurrent
  const std::string& path = truth_file.path();
  ASSERT_TRUE(g.writeTruth(path).ok());

  std::vector<json> truth;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) truth.push_back(json::parse(l));
  ASSERT_FALSE(truth.empty());
  const json& meta = truth.back();
  ASSERT_EQ(meta["kind"], "meta");
  const TimeMs end = *parseRfc3339(meta["end"].get<std::string>());
  EXPECT_EQ(end, *parseRfc3339(events.back()["ts"].get<std::string>()));
  EXPECT_EQ(meta["cases"], options.cases);
  EXPECT_EQ(meta["events"], events.size());

  std::map<std::string, CaseClock> clocks;
  std::map<std::string, bool> replied;
  for (const json& e : events) {
    if (!e.contains("case_id") || e["type"] == "visit") continue;
    const auto input = clockInputFromType(e["type"].get<std::string>());
    if (e["type"] == "case.replied") replied[e["case_id"]] = true;
    if (!input) continue;
    clocks[e["case_id"]].apply(*input, *parseRfc3339(e["ts"].get<std::string>()),
                               e.value("days", 0));
  }
  size_t cases = 0, overdue = 0, replied_on_time = 0, repeat_lines = 0, incidents = 0;
  for (const json& t : truth) {
    if (t["kind"] == "repeat_person") {
      ++repeat_lines;
      EXPECT_GE(t["contacts"].get<int>(), 2);
      continue;
    }
    if (t["kind"] == "group_incident") {
      ++incidents;
      EXPECT_GE(t["persons"].get<int>(), 30);
      EXPECT_LE(t["persons"].get<int>(), 80);
      continue;
    }
    if (t["kind"] != "case") continue;
    ++cases;
    const std::string id = t["case_id"];
    ASSERT_TRUE(clocks.count(id)) << id;
    const CaseVerdict v = clocks[id].verdict(end);
    std::vector<std::string> expect_overdue, expect_late;
    for (Step s : v.overdueSteps()) expect_overdue.emplace_back(stepName(s));
    for (Step s : v.lateSteps()) expect_late.emplace_back(stepName(s));
    EXPECT_EQ(t["overdue_steps"].get<std::vector<std::string>>(), expect_overdue) << id;
    EXPECT_EQ(t["late_steps"].get<std::vector<std::string>>(), expect_late) << id;
    EXPECT_EQ(t["on_time"].get<bool>(), v.onTime()) << id;
    // Nothing counts as overdue before its deadline has come within the feed.
    for (const json& s : t["overdue"]) {
      EXPECT_LE(*parseRfc3339(s["due"].get<std::string>()), end) << id;
    }
    for (const json& s : t["open_steps"]) {
      EXPECT_GT(*parseRfc3339(s["due"].get<std::string>()), end) << id;
    }
    if (!v.onTime()) ++overdue;
    if (v.onTime() && replied[id]) ++replied_on_time;
  }
  EXPECT_EQ(cases, options.cases);
  EXPECT_EQ(repeat_lines, 60u);
  EXPECT_EQ(incidents, 1u);
  // A clear fraction overdue, and a good fraction replied in time.
  EXPECT_GE(overdue, cases / 20);
  EXPECT_LE(overdue, cases / 5);
  EXPECT_GE(replied_on_time, cases * 2 / 5);
}

// --escalation-thresholds: reviews follow the decision and how the case was handled (a reply not
// upheld after a chasing visit is disputed far more often than one after a hearing), and visits
// above county level follow a county visit on the case (being ignored).
TEST(FeedGeneratorTest, ThresholdEscalationsFollowLatenessContactsAndDecisions) {
  FeedgenOptions o = smallOptions(3);
  o.cases = 6000;
  o.escalation_thresholds = true;
  struct Seen {
    bool county_visit = false, hearing = false, not_upheld = false, review = false;
    bool replied = false, visit_before_reply = false;
  };
  std::map<std::string, Seen> cases;
  int above = 0;
  for (const json& e : parseAll(generate(o))) {
    if (!e.contains("case_id")) continue;
    Seen& s = cases[e["case_id"].get<std::string>()];
    const std::string type = e["type"];
    if (type == "visit") {
      if (e["level"] == "county") {
        s.county_visit = true;
        if (!s.replied) s.visit_before_reply = true;
      } else if (s.county_visit) {
        ++above;  // taken higher after being ignored
      }
    } else if (type == "case.hearing_held") {
      s.hearing = true;
    } else if (type == "case.replied" && !s.replied) {
      s.replied = true;
      s.not_upheld = e["outcome"] == "not_upheld";
    } else if (type == "case.review_requested") {
      s.review = true;
    }
  }
  EXPECT_GT(above, 10);
  int chased = 0, chased_review = 0, heard = 0, heard_review = 0;
  for (const auto& [id, s] : cases) {
    if (!s.not_upheld) continue;
    if (s.visit_before_reply) {
      ++chased;
      chased_review += s.review ? 1 : 0;
    } else if (s.hearing) {
      ++heard;
      heard_review += s.review ? 1 : 0;
    }
  }
  ASSERT_GT(chased, 20);
  ASSERT_GT(heard, 20);
  // (Repeat petitioners' own visits count as chasing here but not in the mechanism: a margin.)
  EXPECT_GT(chased_review * heard, 3 * heard_review * chased);
  EXPECT_LT(heard_review, heard * 2 / 10);
  o.escalation_model = true;
  EXPECT_FALSE(o.validate().ok());
}

}  // namespace
}  // namespace casewatch::feedgen
