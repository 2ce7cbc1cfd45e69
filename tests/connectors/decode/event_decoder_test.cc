#include "connectors/decode/event_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"
#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {
namespace {

// An event as an ordered list of (key, raw JSON value), so tests can drop, replace, reorder and
// duplicate fields before rendering it.
class Fields {
 public:
  Fields& set(const std::string& key, const std::string& raw) {
    for (auto& [k, v] : fields_) {
      if (k == key) {
        v = raw;
        return *this;
      }
    }
    fields_.emplace_back(key, raw);
    return *this;
  }
  Fields& str(const std::string& key, const std::string& value) {
    return set(key, "\"" + value + "\"");
  }
  Fields& remove(const std::string& key) {
    std::erase_if(fields_, [&](const auto& f) { return f.first == key; });
    return *this;
  }
  Fields& append(const std::string& key, const std::string& raw) {  // even if already present
    fields_.emplace_back(key, raw);
    return *this;
  }
  void shuffle(std::mt19937& rng) { std::shuffle(fields_.begin(), fields_.end(), rng); }
  // With `escape_keys`, every character of every key is written as a \u escape.
  std::string json(bool escape_keys = false) const {
    std::string s = "{";
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (i > 0) s += ",";
      s += '"';
      for (char c : fields_[i].first) {
        if (escape_keys) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          s += buf;
        } else {
          s += c;
        }
      }
      s += "\":" + fields_[i].second;
    }
    return s + "}";
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

Fields common(const std::string& type) {
  Fields f;
  f.set("v", "1")
      .str("event_id", "zy-000123")
      .str("source", "zunyi-12309")
      .set("seq", "123")
      .str("type", type)
      .str("ts", "2026-03-04T09:15:00+08:00")
      .str("case_id", "ZY-2026-0042");
  return f;
}

// The contract's example, plus its one optional field.
Fields registered() {
  return common("case.registered")
      .set("persons", R"(["p:7f3a","p:91c2"])")
      .str("matter", "m:wage-site-17")
      .str("region", "520302")
      .str("agency", "huichuan-hrss")
      .str("category", "wage_arrears")
      .str("channel", "visit")
      .str("level", "county")
      .str("competent_level", "city")
      .set("group_size", "12");
}

Fields visit() {
  return common("visit")
      .set("persons", R"(["p:7f3a"])")
      .str("matter", "m:wage-site-17")
      .str("region", "520302")
      .str("level", "city")
      .set("group_size", "3");
}

// Keeps failure traces readable when the input is huge.
std::string shorten(const std::string& s) {
  return s.size() <= 200 ? s : s.substr(0, 200) + "... (" + std::to_string(s.size()) + " bytes)";
}

class EventDecoderTest : public ::testing::Test {
 protected:
  bool decode(const std::string& json) { return decoder_.decode(json, event_, error_); }
  // Decodes and expects a rejection with `reason` naming `field`.
  void expectReject(const std::string& json, RejectReason reason, const std::string& field) {
    SCOPED_TRACE(shorten(json));
    ASSERT_FALSE(decode(json));
    EXPECT_EQ(rejectReasonName(error_.reason), rejectReasonName(reason));
    EXPECT_EQ(error_.field, field);
  }
  void expectReject(const Fields& f, RejectReason reason, const std::string& field) {
    expectReject(f.json(), reason, field);
  }
  void expectOk(const std::string& json) {
    SCOPED_TRACE(shorten(json));
    ASSERT_TRUE(decode(json)) << error_.message();
    EXPECT_EQ(error_.reason, RejectReason::kNone);
  }

  Pseudonymizer pseudonymizer_{Pseudonymizer::demoKey()};
  EventDecoder decoder_{pseudonymizer_};
  CaseEvent event_;
  DecodeError error_;
};

constexpr TimeMs kExampleTs = 1772586900000;  // 2026-03-04T01:15:00Z

// ---- names and messages -------------------------------------------------------------------------

TEST(RejectReasonTest, NamesAreSnakeCaseAndDistinct) {
  const std::vector<std::string_view> expected = {
      "none",          "too_large",      "invalid_json",       "unsupported_version",
      "missing_field", "wrong_type",     "unknown_type",       "bad_timestamp",
      "out_of_range",  "orphan_expired", "unauthorised_source"};
  ASSERT_EQ(expected.size(), kRejectReasonCount);
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    EXPECT_EQ(rejectReasonName(static_cast<RejectReason>(i)), expected[i]);
  }
}

TEST(RejectReasonTest, MessageNamesReasonAndField) {
  DecodeError e{RejectReason::kMissingField, "persons"};
  EXPECT_EQ(e.message(), "missing_field: persons");
  DecodeError bare{RejectReason::kInvalidJson, ""};
  EXPECT_EQ(bare.message(), "invalid_json");
}

// ---- every type decodes with all its fields ---------------------------------------------------

TEST_F(EventDecoderTest, DecodesContractExample) {
  const std::string example =
      R"({"v":1,"event_id":"zy-000123","source":"zunyi-12309","seq":123,"type":"case.registered",)"
      "\n"
      R"( "ts":"2026-03-04T09:15:00+08:00","case_id":"ZY-2026-0042","persons":["p:7f3a","p:91c2"],)"
      "\n"
      R"( "matter":"m:wage-site-17","region":"520302","agency":"huichuan-hrss","category":"wage_arrears",)"
      "\n"
      R"( "channel":"visit","level":"county","group_size":12})";
  expectOk(example);
  EXPECT_EQ(event_.type, EventType::kRegistered);
  EXPECT_EQ(event_.event_id, "zy-000123");
  EXPECT_EQ(event_.source, "zunyi-12309");
  EXPECT_TRUE(event_.has_seq);
  EXPECT_EQ(event_.seq, 123u);
  EXPECT_EQ(event_.ts, kExampleTs);
  EXPECT_EQ(event_.case_id, "ZY-2026-0042");
  ASSERT_EQ(event_.persons.size(), 2u);
  EXPECT_EQ(event_.persons[0], pseudonymizer_.pseudonymise("p:7f3a"));
  EXPECT_EQ(event_.persons[1], pseudonymizer_.pseudonymise("p:91c2"));
  EXPECT_EQ(event_.matter, "m:wage-site-17");
  EXPECT_EQ(event_.region, "520302");
  EXPECT_EQ(event_.agency, "huichuan-hrss");
  EXPECT_EQ(event_.category, "wage_arrears");
  EXPECT_EQ(event_.channel, Channel::kVisit);
  EXPECT_EQ(event_.level, Level::kCounty);
  EXPECT_EQ(event_.competent_level, Level::kUnknown);
  EXPECT_EQ(event_.group_size, 12u);
}

TEST_F(EventDecoderTest, RegisteredWithOptionalFields) {
  expectOk(registered().json());
  EXPECT_EQ(event_.competent_level, Level::kCity);
  EXPECT_EQ(event_.group_size, 12u);
  expectOk(registered().remove("group_size").remove("competent_level").remove("seq").json());
  EXPECT_EQ(event_.group_size, 0u);
  EXPECT_EQ(event_.effectiveGroupSize(), 2u);
  EXPECT_FALSE(event_.has_seq);
  EXPECT_EQ(event_.competent_level, Level::kUnknown);
}

TEST_F(EventDecoderTest, EnumValuesAllDecode) {
  const std::vector<std::pair<std::string, Channel>> channels = {{"visit", Channel::kVisit},
                                                                 {"letter", Channel::kLetter},
                                                                 {"online", Channel::kOnline},
                                                                 {"phone", Channel::kPhone}};
  for (const auto& [name, value] : channels) {
    expectOk(registered().str("channel", name).json());
    EXPECT_EQ(event_.channel, value);
  }
  const std::vector<std::pair<std::string, Level>> levels = {{"county", Level::kCounty},
                                                             {"city", Level::kCity},
                                                             {"province", Level::kProvince},
                                                             {"national", Level::kNational}};
  for (const auto& [name, value] : levels) {
    expectOk(registered().str("level", name).str("competent_level", name).json());
    EXPECT_EQ(event_.level, value);
    EXPECT_EQ(event_.competent_level, value);
  }
}

TEST_F(EventDecoderTest, Visit) {
  expectOk(visit().json());
  EXPECT_EQ(event_.type, EventType::kVisit);
  EXPECT_EQ(event_.case_id, "ZY-2026-0042");
  ASSERT_EQ(event_.persons.size(), 1u);
  EXPECT_EQ(event_.persons[0], pseudonymizer_.pseudonymise("p:7f3a"));
  EXPECT_EQ(event_.matter, "m:wage-site-17");
  EXPECT_EQ(event_.region, "520302");
  EXPECT_EQ(event_.level, Level::kCity);
  EXPECT_EQ(event_.group_size, 3u);
  // case_id is optional for a visit (and an empty one means "not given").
  expectOk(visit().remove("case_id").remove("group_size").json());
  EXPECT_TRUE(event_.case_id.empty());
  EXPECT_EQ(event_.group_size, 0u);
  expectOk(visit().str("case_id", "").json());
  EXPECT_TRUE(event_.case_id.empty());
}

TEST_F(EventDecoderTest, Accepted) {
  expectOk(common("case.accepted").str("agency", "huichuan-hrss").json());
  EXPECT_EQ(event_.type, EventType::kAccepted);
  EXPECT_EQ(event_.agency, "huichuan-hrss");
  expectOk(common("case.accepted").json());
  EXPECT_TRUE(event_.agency.empty());
}

TEST_F(EventDecoderTest, RejectedAndReopened) {
  expectOk(common("case.rejected").str("reason", "outside remit").json());
  EXPECT_EQ(event_.type, EventType::kRejected);
  EXPECT_EQ(event_.reason, "outside remit");
  expectOk(common("case.rejected").json());
  EXPECT_TRUE(event_.reason.empty());
  expectOk(common("case.reopened").str("reason", "new evidence").json());
  EXPECT_EQ(event_.type, EventType::kReopened);
  EXPECT_EQ(event_.reason, "new evidence");
  expectOk(common("case.reopened").json());
}

TEST_F(EventDecoderTest, Transferred) {
  expectOk(
      common("case.transferred").str("to_agency", "zunyi-hrss").str("to_level", "city").json());
  EXPECT_EQ(event_.type, EventType::kTransferred);
  EXPECT_EQ(event_.to_agency, "zunyi-hrss");
  EXPECT_EQ(event_.to_level, Level::kCity);
  expectOk(common("case.transferred").str("to_agency", "zunyi-hrss").json());
  EXPECT_EQ(event_.to_level, Level::kUnknown);
}

TEST_F(EventDecoderTest, ExtendedAcceptsOneToThirtyDays) {
  for (int days : {1, 15, 30}) {
    expectOk(common("case.extended").set("days", std::to_string(days)).json());
    EXPECT_EQ(event_.type, EventType::kExtended);
    EXPECT_EQ(event_.days, days);
  }
}

TEST_F(EventDecoderTest, OutcomeTypes) {
  const std::vector<std::pair<std::string, EventType>> types = {
      {"case.replied", EventType::kReplied},
      {"case.review_decided", EventType::kReviewDecided},
      {"case.recheck_decided", EventType::kRecheckDecided}};
  const std::vector<std::pair<std::string, Outcome>> outcomes = {
      {"upheld", Outcome::kUpheld},
      {"partly_upheld", Outcome::kPartlyUpheld},
      {"not_upheld", Outcome::kNotUpheld}};
  for (const auto& [type, t] : types) {
    for (const auto& [name, o] : outcomes) {
      expectOk(common(type).str("outcome", name).json());
      EXPECT_EQ(event_.type, t);
      EXPECT_EQ(event_.outcome, o);
    }
  }
}

TEST_F(EventDecoderTest, ReviewAndRecheckRequested) {
  expectOk(common("case.review_requested").str("level", "city").json());
  EXPECT_EQ(event_.type, EventType::kReviewRequested);
  EXPECT_EQ(event_.level, Level::kCity);
  expectOk(common("case.recheck_requested").str("level", "province").json());
  EXPECT_EQ(event_.type, EventType::kRecheckRequested);
  EXPECT_EQ(event_.level, Level::kProvince);
  expectOk(common("case.review_requested").json());
  EXPECT_EQ(event_.level, Level::kUnknown);
}

TEST_F(EventDecoderTest, LeaderAssigned) {
  expectOk(common("case.leader_assigned").str("leader", "official-17").json());
  EXPECT_EQ(event_.type, EventType::kLeaderAssigned);
  EXPECT_EQ(event_.leader, "official-17");
}

TEST_F(EventDecoderTest, AidGranted) {
  expectOk(common("case.aid_granted").set("amount", "1250.5").json());
  EXPECT_EQ(event_.type, EventType::kAidGranted);
  EXPECT_TRUE(event_.has_amount);
  EXPECT_DOUBLE_EQ(event_.amount, 1250.5);
  expectOk(common("case.aid_granted").set("amount", "0").json());
  EXPECT_TRUE(event_.has_amount);
  EXPECT_EQ(event_.amount, 0.0);
  expectOk(common("case.aid_granted").set("amount", "3000").json());
  EXPECT_DOUBLE_EQ(event_.amount, 3000.0);
  expectOk(common("case.aid_granted").json());
  EXPECT_FALSE(event_.has_amount);
}

TEST_F(EventDecoderTest, Closed) {
  expectOk(common("case.closed").set("resolved", "true").str("satisfaction", "satisfied").json());
  EXPECT_EQ(event_.type, EventType::kClosed);
  EXPECT_TRUE(event_.resolved);
  EXPECT_EQ(event_.satisfaction, Satisfaction::kSatisfied);
  expectOk(
      common("case.closed").set("resolved", "false").str("satisfaction", "unsatisfied").json());
  EXPECT_FALSE(event_.resolved);
  EXPECT_EQ(event_.satisfaction, Satisfaction::kUnsatisfied);
  expectOk(common("case.closed").set("resolved", "true").str("satisfaction", "unknown").json());
  EXPECT_EQ(event_.satisfaction, Satisfaction::kUnknown);
  expectOk(common("case.closed").set("resolved", "true").json());
  EXPECT_EQ(event_.satisfaction, Satisfaction::kUnknown);
}

TEST_F(EventDecoderTest, TypesWithoutExtraFields) {
  const std::vector<std::pair<std::string, EventType>> types = {
      {"case.procedural_reply", EventType::kProceduralReply},
      {"case.hearing_held", EventType::kHearingHeld},
      {"case.settled", EventType::kSettled}};
  for (const auto& [name, t] : types) {
    expectOk(common(name).json());
    EXPECT_EQ(event_.type, t);
    EXPECT_EQ(event_.case_id, "ZY-2026-0042");
    EXPECT_EQ(event_.ts, kExampleTs);
  }
}

TEST_F(EventDecoderTest, EveryContractTypeIsKnown) {
  for (size_t i = 0; i < kEventTypeCount; ++i) {
    const auto type = static_cast<EventType>(i);
    Fields f = type == EventType::kRegistered ? registered()
               : type == EventType::kVisit    ? visit()
                                              : common(std::string(eventTypeName(type)));
    // The union of every type's required fields: each type takes its own and ignores the rest.
    f.str("to_agency", "a").set("days", "5").str("outcome", "upheld").str("leader", "l");
    f.set("resolved", "true");
    expectOk(f.json());
    EXPECT_EQ(event_.type, type);
  }
}

// ---- unknown fields, order, escapes -------------------------------------------------------------

TEST_F(EventDecoderTest, UnknownFieldsAreDropped) {
  Fields f = registered();
  f.str("name", "Zhang San")
      .str("phone", "13800000000")
      .set("address", R"({"street":"x","no":[1,2.5,-3e2,true,false,null,{"a":"\u00e9"}]})")
      .set("extra_null", "null")
      .set("extra_big", "123456789012345678901234567890");
  expectOk(f.json());
  EXPECT_EQ(event_.matter, "m:wage-site-17");
  // No string field picked up an unknown value.
  for (const std::string* s :
       {&event_.event_id, &event_.source, &event_.case_id, &event_.matter, &event_.region,
        &event_.agency, &event_.category, &event_.to_agency, &event_.leader, &event_.reason}) {
    EXPECT_EQ(s->find("Zhang"), std::string::npos);
    EXPECT_EQ(s->find("13800000000"), std::string::npos);
  }
}

TEST_F(EventDecoderTest, FieldsOfOtherTypesAreIgnoredEvenIfMalformed) {
  expectOk(common("case.replied")
               .str("outcome", "upheld")
               .str("days", "not a number")
               .set("persons", "17")
               .set("resolved", "\"yes\"")
               .str("channel", "carrier pigeon")
               .json());
  EXPECT_EQ(event_.outcome, Outcome::kUpheld);
  EXPECT_EQ(event_.days, 0);
  EXPECT_TRUE(event_.persons.empty());
  EXPECT_EQ(event_.channel, Channel::kUnknown);
  // Persons on a type that has none are not kept.
  expectOk(common("case.accepted").set("persons", R"(["p:1"])").json());
  EXPECT_TRUE(event_.persons.empty());
}

TEST_F(EventDecoderTest, FieldOrderDoesNotMatter) {
  ASSERT_TRUE(decode(registered().json()));
  const CaseEvent reference = event_;
  std::mt19937 rng(12345);
  for (int round = 0; round < 50; ++round) {
    Fields f = registered();
    f.str("unknown_a", "x").set("unknown_b", "[1,{}]");
    f.shuffle(rng);
    SCOPED_TRACE(f.json());
    ASSERT_TRUE(decode(f.json())) << error_.message();
    EXPECT_EQ(event_.type, reference.type);
    EXPECT_EQ(event_.ts, reference.ts);
    EXPECT_EQ(event_.seq, reference.seq);
    EXPECT_EQ(event_.event_id, reference.event_id);
    EXPECT_EQ(event_.source, reference.source);
    EXPECT_EQ(event_.case_id, reference.case_id);
    EXPECT_EQ(event_.persons, reference.persons);
    EXPECT_EQ(event_.matter, reference.matter);
    EXPECT_EQ(event_.region, reference.region);
    EXPECT_EQ(event_.agency, reference.agency);
    EXPECT_EQ(event_.category, reference.category);
    EXPECT_EQ(event_.channel, reference.channel);
    EXPECT_EQ(event_.level, reference.level);
    EXPECT_EQ(event_.competent_level, reference.competent_level);
    EXPECT_EQ(event_.group_size, reference.group_size);
  }
  // `type` last still decides what is required.
  Fields last = common("case.extended").set("days", "7");
  last.remove("type").str("type", "case.extended");
  expectOk(last.json());
  EXPECT_EQ(event_.days, 7);
}

TEST_F(EventDecoderTest, ErrorDoesNotDependOnFieldOrder) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    Fields f = registered().remove("matter").str("level", "galactic");
    f.shuffle(rng);
    expectReject(f, RejectReason::kMissingField, "matter");
  }
}

TEST_F(EventDecoderTest, EscapedKeysAndValues) {
  // `\u0076` is "v"; escapes in values are unescaped.
  std::string json = registered().remove("v").json();
  json.insert(1, "\"\\u0076\":1,");
  expectOk(json);
  expectOk(registered().str("matter", "m:\\u5de5\\u8d44 \\\"q\\\"").json());
  EXPECT_EQ(event_.matter, "m:\xE5\xB7\xA5\xE8\xB5\x84 \"q\"");
  expectOk(registered().str("region", "\xE9\x81\xB5\xE4\xB9\x89").json());  // raw UTF-8 (遵义)
  EXPECT_EQ(event_.region, "\xE9\x81\xB5\xE4\xB9\x89");
}

TEST_F(EventDecoderTest, KeysSpeltWithEscapesAreTheSameKeys) {
  const std::vector<Fields> events = {
      registered(),
      visit(),
      common("case.transferred").str("to_agency", "zunyi-hrss").str("to_level", "city"),
      common("case.extended").set("days", "9"),
      common("case.replied").str("outcome", "upheld"),
      common("case.leader_assigned").str("leader", "official-17"),
      common("case.aid_granted").set("amount", "12.5"),
      common("case.closed").set("resolved", "true").str("satisfaction", "unsatisfied"),
      common("case.reopened").str("reason", "why"),
  };
  for (const Fields& f : events) {
    ASSERT_TRUE(decode(f.json())) << error_.message();
    const CaseEvent plain = event_;
    SCOPED_TRACE(f.json(true));
    ASSERT_TRUE(decode(f.json(true))) << error_.message();
    EXPECT_EQ(event_.type, plain.type);
    EXPECT_EQ(event_.ts, plain.ts);
    EXPECT_EQ(event_.seq, plain.seq);
    EXPECT_EQ(event_.event_id, plain.event_id);
    EXPECT_EQ(event_.case_id, plain.case_id);
    EXPECT_EQ(event_.persons, plain.persons);
    EXPECT_EQ(event_.competent_level, plain.competent_level);
    EXPECT_EQ(event_.group_size, plain.group_size);
    EXPECT_EQ(event_.to_agency, plain.to_agency);
    EXPECT_EQ(event_.to_level, plain.to_level);
    EXPECT_EQ(event_.days, plain.days);
    EXPECT_EQ(event_.outcome, plain.outcome);
    EXPECT_EQ(event_.leader, plain.leader);
    EXPECT_EQ(event_.amount, plain.amount);
    EXPECT_EQ(event_.resolved, plain.resolved);
    EXPECT_EQ(event_.satisfaction, plain.satisfaction);
    EXPECT_EQ(event_.reason, plain.reason);
  }
  // A duplicate is a duplicate however it is spelt.
  expectReject(registered().json().insert(1, R"("\u0063ase_id":"x",)"), RejectReason::kInvalidJson,
               "case_id");
}

TEST_F(EventDecoderTest, EscapesInKnownAndUnknownFields) {
  // Escaped quotes and backslashes, in keys and values, long and short.
  expectOk(registered().set("we\\\"ird", R"("a\"b\\c")").json());
  expectOk(registered().str("matter", "a\\\\b\\\"c").json());
  EXPECT_EQ(event_.matter, "a\\b\"c");
  const std::string long_plain(100, 'q');
  expectOk(registered().str("matter", long_plain + "\\n" + long_plain).json());
  EXPECT_EQ(event_.matter, long_plain + "\n" + long_plain);
  // A surrogate pair is one code point (U+1F600, four UTF-8 bytes).
  expectOk(registered().str("region", "\\ud83d\\ude00").json());
  EXPECT_EQ(event_.region, "\xF0\x9F\x98\x80");
  // Strings with escapes and without, interleaved, all land where they belong.
  expectOk(registered()
               .str("matter", "m\\u0031")
               .str("region", "r2")
               .str("agency", "a\\t3")
               .str("category", "c4")
               .set("persons", R"(["p\u0031","p1"])")
               .json());
  EXPECT_EQ(event_.matter, "m1");
  EXPECT_EQ(event_.region, "r2");
  EXPECT_EQ(event_.agency, "a\t3");
  EXPECT_EQ(event_.category, "c4");
  ASSERT_EQ(event_.persons.size(), 2u);
  EXPECT_EQ(event_.persons[0], event_.persons[1]);  // escaped or not, the same id
  // An escaped enum value is the same value.
  expectOk(registered().str("channel", "\\u0070hone").json());
  EXPECT_EQ(event_.channel, Channel::kPhone);
}

TEST_F(EventDecoderTest, WhitespaceAroundTheObjectIsAllowed) {
  expectOk(" \t\r\n" + registered().json() + " \n");
}

TEST_F(EventDecoderTest, DuplicateUnknownKeysAreFine) {
  expectOk(registered().append("x", "1").append("x", "2").json());
}

// ---- persons and privacy ------------------------------------------------------------------------

TEST_F(EventDecoderTest, PersonsArePseudonymised) {
  const std::string raw = "id-4402-raw-person";
  expectOk(registered().set("persons", "[\"" + raw + "\",\"other\",\"" + raw + "\"]").json());
  ASSERT_EQ(event_.persons.size(), 3u);
  EXPECT_EQ(event_.persons[0], event_.persons[2]);  // same raw id, same pseudonym
  EXPECT_NE(event_.persons[0], event_.persons[1]);
  EXPECT_EQ(event_.persons[0], pseudonymizer_.pseudonymise(raw));
  // A second decode (and a second decoder) keeps the mapping.
  const PersonId first = event_.persons[0];
  expectOk(visit().set("persons", "[\"" + raw + "\"]").json());
  EXPECT_EQ(event_.persons[0], first);
  // A different key gives a different pseudonym.
  EventDecoder other(Pseudonymizer(Pseudonymizer::deriveKey("another secret")));
  ASSERT_TRUE(other.decode(visit().set("persons", "[\"" + raw + "\"]").json(), event_, error_));
  EXPECT_NE(event_.persons[0], first);
}

TEST_F(EventDecoderTest, RawPersonIdAppearsNowhere) {
  const std::string raw = "RAWPERSON-9f2c";
  expectOk(registered().set("persons", "[\"" + raw + "\"]").json());
  for (const std::string* s :
       {&event_.event_id, &event_.source, &event_.case_id, &event_.matter, &event_.region,
        &event_.agency, &event_.category, &event_.to_agency, &event_.leader, &event_.reason}) {
    EXPECT_EQ(s->find(raw), std::string::npos);
  }
  EXPECT_EQ(Pseudonymizer::format(event_.persons[0]).find(raw), std::string::npos);
  // Nor in an error about the persons array.
  ASSERT_FALSE(decode(registered().set("persons", "[\"" + raw + "\",\"\"]").json()));
  EXPECT_EQ(error_.message(), "out_of_range: persons[1]");
  EXPECT_EQ(error_.message().find(raw), std::string::npos);
}

// ---- bad input: one rule each -------------------------------------------------------------------

TEST_F(EventDecoderTest, TooLargeIsCheckedBeforeParsing) {
  EventDecoder small(pseudonymizer_, DecoderLimits{.max_message_bytes = 64});
  const std::string json = registered().json();
  ASSERT_GT(json.size(), 64u);
  ASSERT_FALSE(small.decode(json, event_, error_));
  EXPECT_EQ(error_.reason, RejectReason::kTooLarge);
  EXPECT_EQ(error_.field, "");
  // Even garbage is too_large before it is invalid_json.
  ASSERT_FALSE(small.decode(std::string(65, '{'), event_, error_));
  EXPECT_EQ(error_.reason, RejectReason::kTooLarge);
  // At the limit is fine.
  const std::string tiny = R"({"v":1})";
  EventDecoder exact(pseudonymizer_, DecoderLimits{.max_message_bytes = tiny.size()});
  ASSERT_FALSE(exact.decode(tiny, event_, error_));
  EXPECT_EQ(error_.reason, RejectReason::kMissingField);  // parsed, then found lacking
}

TEST_F(EventDecoderTest, HugeLines) {
  // Over the default limit: too_large.
  std::string huge = registered().str("padding", std::string(100 * 1024, 'x')).json();
  expectReject(huge, RejectReason::kTooLarge, "");
  // Just under it, with the bulk in an unknown field: decoded, and the buffers grow as needed.
  std::string big = registered().str("padding", std::string(60 * 1024, 'y')).json();
  ASSERT_LT(big.size(), DecoderLimits{}.max_message_bytes);
  expectOk(big);
  // A huge single token is still too large.
  expectReject(std::string(1 << 20, '1'), RejectReason::kTooLarge, "");
  // Under a raised limit, a 1 MiB event with a long persons list decodes.
  EventDecoder roomy(pseudonymizer_,
                     DecoderLimits{.max_message_bytes = 4 << 20, .max_persons = 100000});
  std::string persons = "[";
  for (int i = 0; i < 50000; ++i) persons += (i ? ",\"p:" : "\"p:") + std::to_string(i) + "\"";
  persons += "]";
  const std::string mega = registered().set("persons", persons).json();
  ASSERT_GT(mega.size(), 400000u);
  ASSERT_TRUE(roomy.decode(mega, event_, error_)) << error_.message();
  EXPECT_EQ(event_.persons.size(), 50000u);
  EXPECT_EQ(event_.persons[49999], pseudonymizer_.pseudonymise("p:49999"));
}

TEST_F(EventDecoderTest, InvalidJson) {
  const std::string good = registered().json();
  for (const std::string& bad : {
           std::string(""),
           std::string("   "),
           std::string("not json"),
           std::string("{"),
           std::string("}"),
           std::string("[") + good + "]",  // top level is not an object
           std::string("\"a string\""),
           std::string("42"),
           std::string("null"),
           good + good,  // two objects
           good + " x",  // trailing content
           good + ",",
           good.substr(0, good.size() - 1) + ",}",                // trailing comma
           good.substr(0, good.size() - 1) + R"(,"x":tru})",      // bad literal, unknown field
           good.substr(0, good.size() - 1) + R"(,"x":[1,2}})",    // mismatched brackets
           good.substr(0, good.size() - 1) + R"(,"x":{"a" 1}})",  // missing colon
           good.substr(0, good.size() - 1) + R"(,"x":01})",       // leading zero
           good.substr(0, good.size() - 1) + R"(,"x":1.})",
           good.substr(0, good.size() - 1) + R"(,"x":"\q"})",      // bad escape
           good.substr(0, good.size() - 1) + R"(,"x":"\ud800"})",  // lone surrogate
           good.substr(0, good.size() - 1) + R"(,"x":nul})",
           good.substr(0, good.size() - 1) + R"(,"x":-})",
           std::string(R"({"v":1 "type":"visit"})"),
           good.substr(0, good.size() - 1) + R"(,"x":"abc"x})",  // junk right after a string
           good.substr(0, good.size() - 1) + R"(,"x":"abc" x})",
           good.substr(0, good.size() - 1) + R"(,"x":"\udc00"})",  // lone low surrogate
           good.substr(0, good.size() - 1) + R"(,"x":"\ud800\u0041"})",
           good.substr(0, good.size() - 1) + R"(,"x":"\u12"})",
           good.substr(0, good.size() - 1) + R"(,"x\q":1})",  // bad escape in a key
           good.substr(0, good.size() - 1) + R"(,"x":1x})",
           good.substr(0, good.size() - 1) + R"(,"x":truex})",
           std::string(R"({"v":1,"matter":"m"x,"type":"visit"})"),
       }) {
    expectReject(bad, RejectReason::kInvalidJson, "");
  }
}

TEST_F(EventDecoderTest, InvalidUtf8IsInvalidJson) {
  expectReject(registered().str("matter", "m:\xff\xfe").json(), RejectReason::kInvalidJson, "");
  expectReject(registered().str("x", "\xc3\x28").json(), RejectReason::kInvalidJson, "");
  expectReject(registered().set("persons", "[\"\xed\xa0\x80\"]").json(),  // encoded surrogate
               RejectReason::kInvalidJson, "");
  expectReject(registered().str("ke\xff", "v").json(), RejectReason::kInvalidJson, "");
  expectReject(registered().str("matter", std::string("m:\x01", 3)).json(),  // raw control char
               RejectReason::kInvalidJson, "");
}

TEST_F(EventDecoderTest, EmbeddedNuls) {
  const std::string good = registered().json();
  expectReject(good + std::string(1, '\0'), RejectReason::kInvalidJson, "");
  expectReject(std::string(1, '\0') + good, RejectReason::kInvalidJson, "");
  std::string in_string = registered().str("matter", std::string("a\0b", 3)).json();
  expectReject(in_string, RejectReason::kInvalidJson, "");
  std::string between = good;
  between.insert(1, std::string(1, '\0'));
  expectReject(between, RejectReason::kInvalidJson, "");
  // An escaped NUL is valid JSON; in a person id it is hashed like any other byte.
  expectOk(registered().set("persons", R"(["a\u0000b"])").json());
  EXPECT_EQ(event_.persons[0], pseudonymizer_.pseudonymise(std::string_view("a\0b", 3)));
}

TEST_F(EventDecoderTest, DeeplyNestedGarbage) {
  expectReject(std::string(60000, '['), RejectReason::kInvalidJson, "");
  expectReject(std::string(60000, '{'), RejectReason::kInvalidJson, "");
  expectReject(R"({"v":1,"x":)" + std::string(60000, '['), RejectReason::kInvalidJson, "");
  expectReject(R"({"x":{"y":)" + std::string(60000, '{'), RejectReason::kInvalidJson, "");
  // Balanced but deeper than the limit, inside an unknown field.
  std::string deep = R"({"x":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  expectReject(deep, RejectReason::kInvalidJson, "");
  std::string deep_objects = R"({"x":)";
  for (int i = 0; i < 2000; ++i) deep_objects += R"({"a":)";
  deep_objects += '1';
  deep_objects.append(2001, '}');
  expectReject(deep_objects, RejectReason::kInvalidJson, "");
  // Inside persons, too.
  expectReject(registered().set("persons", std::string(100, '[') + std::string(100, ']')),
               RejectReason::kInvalidJson, "");
  // Half a million levels under a raised size limit: rejected without exhausting the stack.
  EventDecoder roomy(pseudonymizer_, DecoderLimits{.max_message_bytes = 2 << 20});
  const std::string very_deep =
      registered().set("x", std::string(500000, '[') + std::string(500000, ']')).json();
  ASSERT_FALSE(roomy.decode(very_deep, event_, error_));
  EXPECT_EQ(error_.reason, RejectReason::kInvalidJson);
  // Moderate nesting in an unknown field is fine.
  expectOk(registered().set("x", std::string(20, '[') + std::string(20, ']')).json());
  expectOk(registered().set("x", R"({"a":{"b":{"c":[{"d":[]}]}}})").json());
}

TEST_F(EventDecoderTest, DuplicateKnownKeyIsInvalidJson) {
  expectReject(registered().append("case_id", "\"ZY-2\""), RejectReason::kInvalidJson, "case_id");
  expectReject(registered().append("v", "1"), RejectReason::kInvalidJson, "v");
  // Also for a field the type does not use.
  expectReject(common("case.settled").str("days", "x").append("days", "1"),
               RejectReason::kInvalidJson, "days");
}

TEST_F(EventDecoderTest, Version) {
  expectReject(registered().remove("v"), RejectReason::kMissingField, "v");
  expectReject(registered().str("v", "1"), RejectReason::kWrongType, "v");
  expectReject(registered().set("v", "1.0"), RejectReason::kWrongType, "v");
  expectReject(registered().set("v", "null"), RejectReason::kWrongType, "v");
  expectReject(registered().set("v", "[1]"), RejectReason::kWrongType, "v");
  expectReject(registered().set("v", "2"), RejectReason::kUnsupportedVersion, "v");
  expectReject(registered().set("v", "0"), RejectReason::kUnsupportedVersion, "v");
  expectReject(registered().set("v", "-1"), RejectReason::kUnsupportedVersion, "v");
  expectReject(registered().set("v", "99999999999999999999999"), RejectReason::kUnsupportedVersion,
               "v");
  // The version is judged before anything else.
  expectReject(Fields().set("v", "2").str("type", "nope"), RejectReason::kUnsupportedVersion, "v");
}

TEST_F(EventDecoderTest, MissingCommonFields) {
  for (const char* field : {"event_id", "source", "type", "ts", "case_id"}) {
    expectReject(common("case.accepted").remove(field), RejectReason::kMissingField, field);
  }
  expectReject(R"({"v":1})", RejectReason::kMissingField, "type");
}

TEST_F(EventDecoderTest, MissingTypeFields) {
  for (const char* field :
       {"persons", "matter", "region", "agency", "category", "channel", "level"}) {
    expectReject(registered().remove(field), RejectReason::kMissingField, field);
  }
  for (const char* field : {"persons", "matter", "region", "level"}) {
    expectReject(visit().remove(field), RejectReason::kMissingField, field);
  }
  expectReject(common("case.transferred"), RejectReason::kMissingField, "to_agency");
  expectReject(common("case.extended"), RejectReason::kMissingField, "days");
  expectReject(common("case.replied"), RejectReason::kMissingField, "outcome");
  expectReject(common("case.review_decided"), RejectReason::kMissingField, "outcome");
  expectReject(common("case.recheck_decided"), RejectReason::kMissingField, "outcome");
  expectReject(common("case.leader_assigned"), RejectReason::kMissingField, "leader");
  expectReject(common("case.closed"), RejectReason::kMissingField, "resolved");
}

TEST_F(EventDecoderTest, WrongTypes) {
  expectReject(registered().set("event_id", "123"), RejectReason::kWrongType, "event_id");
  expectReject(registered().set("source", "{}"), RejectReason::kWrongType, "source");
  expectReject(registered().set("type", "7"), RejectReason::kWrongType, "type");
  expectReject(registered().set("ts", "1772586900"), RejectReason::kWrongType, "ts");
  expectReject(registered().set("case_id", "null"), RejectReason::kWrongType, "case_id");
  expectReject(registered().set("seq", "1.5"), RejectReason::kWrongType, "seq");
  expectReject(registered().set("seq", "\"123\""), RejectReason::kWrongType, "seq");
  expectReject(registered().str("persons", "p:1"), RejectReason::kWrongType, "persons");
  expectReject(registered().set("persons", R"({"a":"p:1"})"), RejectReason::kWrongType, "persons");
  expectReject(registered().set("persons", R"(["p:1","p:2",3])"), RejectReason::kWrongType,
               "persons[2]");
  expectReject(registered().set("persons", R"(["p:1",["p:2"]])"), RejectReason::kWrongType,
               "persons[1]");
  expectReject(registered().set("matter", "true"), RejectReason::kWrongType, "matter");
  expectReject(registered().set("channel", "1"), RejectReason::kWrongType, "channel");
  expectReject(registered().set("level", "[\"county\"]"), RejectReason::kWrongType, "level");
  expectReject(registered().set("group_size", "2.5"), RejectReason::kWrongType, "group_size");
  expectReject(registered().str("group_size", "12"), RejectReason::kWrongType, "group_size");
  expectReject(common("case.extended").set("days", "\"5\""), RejectReason::kWrongType, "days");
  expectReject(common("case.extended").set("days", "5.0"), RejectReason::kWrongType, "days");
  expectReject(common("case.replied").set("outcome", "1"), RejectReason::kWrongType, "outcome");
  expectReject(common("case.closed").str("resolved", "true"), RejectReason::kWrongType, "resolved");
  expectReject(common("case.closed").set("resolved", "1"), RejectReason::kWrongType, "resolved");
  expectReject(common("case.aid_granted").str("amount", "100"), RejectReason::kWrongType, "amount");
  expectReject(common("case.transferred").set("to_agency", "5"), RejectReason::kWrongType,
               "to_agency");
  expectReject(common("case.leader_assigned").set("leader", "[]"), RejectReason::kWrongType,
               "leader");
}

TEST_F(EventDecoderTest, UnknownType) {
  expectReject(common("case.exploded"), RejectReason::kUnknownType, "type");
  expectReject(common(""), RejectReason::kUnknownType, "type");
  expectReject(common("CASE.REGISTERED"), RejectReason::kUnknownType, "type");
}

TEST_F(EventDecoderTest, BadTimestamp) {
  for (const char* ts :
       {"2026-03-04T09:15:00", "2026-03-04", "yesterday", "", "2026-02-30T09:15:00+08:00",
        "2026-03-04T25:15:00Z", "2026-03-04T09:15:00+0800", "1772586900"}) {
    expectReject(registered().str("ts", ts), RejectReason::kBadTimestamp, "ts");
  }
  expectOk(registered().str("ts", "2026-03-04T01:15:00Z").json());
  EXPECT_EQ(event_.ts, kExampleTs);
  expectOk(registered().str("ts", "2026-03-04T09:15:00.250+08:00").json());
  EXPECT_EQ(event_.ts, kExampleTs + 250);
}

TEST_F(EventDecoderTest, OutOfRangeLengths) {
  expectReject(registered().str("event_id", ""), RejectReason::kOutOfRange, "event_id");
  expectReject(registered().str("event_id", std::string(129, 'e')), RejectReason::kOutOfRange,
               "event_id");
  expectOk(registered().str("event_id", std::string(128, 'e')).json());
  expectReject(registered().str("source", std::string(65, 's')), RejectReason::kOutOfRange,
               "source");
  expectOk(registered().str("source", std::string(64, 's')).json());
  expectReject(registered().str("source", ""), RejectReason::kOutOfRange, "source");
  expectReject(registered().str("case_id", ""), RejectReason::kOutOfRange, "case_id");
  expectReject(registered().str("case_id", std::string(129, 'c')), RejectReason::kOutOfRange,
               "case_id");
  expectReject(visit().str("case_id", std::string(129, 'c')), RejectReason::kOutOfRange, "case_id");
  const size_t max = DecoderLimits{}.max_string_bytes;
  for (const char* field : {"matter", "region", "agency", "category"}) {
    expectReject(registered().str(field, std::string(max + 1, 'x')), RejectReason::kOutOfRange,
                 field);
    expectReject(registered().str(field, ""), RejectReason::kOutOfRange, field);
  }
  expectOk(registered().str("matter", std::string(max, 'x')).json());
  expectReject(common("case.transferred").str("to_agency", ""), RejectReason::kOutOfRange,
               "to_agency");
  expectReject(common("case.leader_assigned").str("leader", std::string(max + 1, 'l')),
               RejectReason::kOutOfRange, "leader");
  expectReject(common("case.rejected").str("reason", std::string(max + 1, 'r')),
               RejectReason::kOutOfRange, "reason");
  expectReject(common("case.accepted").str("agency", std::string(max + 1, 'a')),
               RejectReason::kOutOfRange, "agency");
  // Escapes count after unescaping: 128 escaped characters are 128 bytes.
  std::string escaped;
  for (int i = 0; i < 128; ++i) escaped += "\\u0041";
  expectOk(registered().str("event_id", escaped).json());
  EXPECT_EQ(event_.event_id, std::string(128, 'A'));
}

TEST_F(EventDecoderTest, OutOfRangePersons) {
  expectReject(registered().set("persons", "[]"), RejectReason::kOutOfRange, "persons");
  expectReject(registered().set("persons", R"(["p:1","p:2",""])"), RejectReason::kOutOfRange,
               "persons[2]");
  expectReject(registered().set("persons", "[\"" + std::string(129, 'p') + "\"]"),
               RejectReason::kOutOfRange, "persons[0]");
  expectOk(registered().set("persons", "[\"" + std::string(128, 'p') + "\"]").json());
  EventDecoder capped(pseudonymizer_, DecoderLimits{.max_persons = 3});
  ASSERT_TRUE(
      capped.decode(registered().set("persons", R"(["a","b","c"])").json(), event_, error_));
  ASSERT_FALSE(
      capped.decode(registered().set("persons", R"(["a","b","c","d"])").json(), event_, error_));
  EXPECT_EQ(error_.reason, RejectReason::kOutOfRange);
  EXPECT_EQ(error_.field, "persons");
}

TEST_F(EventDecoderTest, OutOfRangeEnums) {
  expectReject(registered().str("channel", "fax"), RejectReason::kOutOfRange, "channel");
  expectReject(registered().str("channel", ""), RejectReason::kOutOfRange, "channel");
  expectReject(registered().str("level", "village"), RejectReason::kOutOfRange, "level");
  expectReject(registered().str("level", "County"), RejectReason::kOutOfRange, "level");
  expectReject(registered().str("competent_level", "world"), RejectReason::kOutOfRange,
               "competent_level");
  expectReject(visit().str("level", "town"), RejectReason::kOutOfRange, "level");
  expectReject(common("case.transferred").str("to_agency", "a").str("to_level", "x"),
               RejectReason::kOutOfRange, "to_level");
  expectReject(common("case.replied").str("outcome", "maybe"), RejectReason::kOutOfRange,
               "outcome");
  expectReject(common("case.review_requested").str("level", "x"), RejectReason::kOutOfRange,
               "level");
  expectReject(common("case.closed").set("resolved", "true").str("satisfaction", "meh"),
               RejectReason::kOutOfRange, "satisfaction");
}

TEST_F(EventDecoderTest, OutOfRangeNumbers) {
  for (const char* days : {"0", "31", "-1", "1000000000000"}) {
    expectReject(common("case.extended").set("days", days), RejectReason::kOutOfRange, "days");
  }
  for (const char* size : {"0", "-5", "1000001", "99999999999999999999"}) {
    expectReject(registered().set("group_size", size), RejectReason::kOutOfRange, "group_size");
  }
  expectOk(registered().set("group_size", "1000000").json());
  EXPECT_EQ(event_.group_size, 1000000u);
  expectReject(common("case.aid_granted").set("amount", "-0.01"), RejectReason::kOutOfRange,
               "amount");
  // seq: a negative or beyond-uint64 integer is out of range (a fraction is a wrong type).
  expectReject(registered().set("seq", "-1"), RejectReason::kOutOfRange, "seq");
  expectReject(registered().set("seq", "18446744073709551616"), RejectReason::kOutOfRange, "seq");
  expectOk(registered().set("seq", "18446744073709551615").json());
  EXPECT_EQ(event_.seq, 18446744073709551615ull);
  expectOk(registered().set("seq", "0").json());
  EXPECT_EQ(event_.seq, 0u);
  EXPECT_TRUE(event_.has_seq);
}

// ---- robustness ---------------------------------------------------------------------------------

TEST_F(EventDecoderTest, EveryTruncationIsRejected) {
  for (const std::string& full :
       {registered().str("x", "a\\\"b").set("y", "[1,{\"z\":null}]").json(),
        common("case.closed").set("resolved", "true").json()}) {
    ASSERT_TRUE(decode(full));
    for (size_t n = 0; n < full.size(); ++n) {
      const std::string prefix = full.substr(0, n);
      SCOPED_TRACE(prefix);
      ASSERT_FALSE(decode(prefix));
      EXPECT_EQ(error_.reason, RejectReason::kInvalidJson);
    }
  }
}

TEST_F(EventDecoderTest, RandomBytesNeverCrashOrDecode) {
  std::mt19937 rng(20260304);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 600);
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<size_t>(length(rng)), '\0');
    for (char& c : s) c = static_cast<char>(byte(rng));
    EXPECT_FALSE(decode(s));
    EXPECT_NE(error_.reason, RejectReason::kNone);
  }
}

TEST_F(EventDecoderTest, MutatedEventsNeverCrashAndDecodedOnesAreWellFormed) {
  const std::string good = registered().json();
  std::mt19937 rng(99);
  std::uniform_int_distribution<size_t> pos(0, good.size() - 1);
  static constexpr char kAlphabet[] = "{}[]\":,\\01-.eE tfnul\x80\xff\0xa";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);  // keeps the NUL
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = good;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t p = pos(rng) % s.size();
      switch (rng() % 3) {
        case 0:
          s[p] = alphabet[pick(rng)];
          break;
        case 1:
          s.erase(p, 1);
          break;
        default:
          s.insert(p, 1, alphabet[pick(rng)]);
      }
      if (s.empty()) s.push_back('{');
    }
    if (decode(s)) {
      ++decoded;
      // Whatever got through must still satisfy the contract.
      EXPECT_FALSE(event_.event_id.empty());
      EXPECT_FALSE(event_.source.empty());
      EXPECT_LE(event_.event_id.size(), 128u);
      if (event_.type == EventType::kRegistered) {
        EXPECT_FALSE(event_.persons.empty());
      }
    } else {
      EXPECT_NE(error_.reason, RejectReason::kNone);
    }
  }
  EXPECT_GT(decoded, 0);  // some edits (inside strings) are harmless
}

TEST_F(EventDecoderTest, ReuseLeavesNothingBehind) {
  expectOk(registered().str("padding", std::string(30000, 'z')).json());
  ASSERT_FALSE(decode(registered().set("persons", R"(["a",1])").json()));
  expectOk(common("case.extended").set("days", "3").json());
  EXPECT_EQ(event_.type, EventType::kExtended);
  EXPECT_TRUE(event_.persons.empty());
  EXPECT_TRUE(event_.matter.empty());
  EXPECT_TRUE(event_.agency.empty());
  EXPECT_EQ(event_.channel, Channel::kUnknown);
  EXPECT_EQ(event_.group_size, 0u);
  EXPECT_EQ(event_.days, 3);
  EXPECT_EQ(error_.reason, RejectReason::kNone);
  EXPECT_TRUE(error_.field.empty());
}

TEST_F(EventDecoderTest, InputNeedNotBePaddedOrTerminated) {
  // The event sits in the middle of a larger buffer with junk right after it.
  const std::string event = registered().json();
  const std::string buffer = "xxxx" + event + "}}}}garbage";
  ASSERT_TRUE(decoder_.decode(std::string_view(buffer).substr(4, event.size()), event_, error_))
      << error_.message();
  EXPECT_EQ(event_.case_id, "ZY-2026-0042");
}

}  // namespace
}  // namespace casewatch
