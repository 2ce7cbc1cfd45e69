#include "connectors/dead_letter_sanitiser.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>

#include "connectors/decode/event_decoder.h"

namespace casewatch {
namespace {

constexpr std::string_view kRaw1 = "id:SECRET-person-0001";
constexpr std::string_view kRaw2 = "id:SECRET-person-0002";

class DeadLetterSanitiserTest : public ::testing::Test {
 protected:
  std::string pseudonym(std::string_view raw) const {
    return Pseudonymizer::format(pseudonymizer_.pseudonymise(raw));
  }
  static void expectNoRawId(const std::string& out) {
    EXPECT_EQ(out.find("SECRET"), std::string::npos) << out;
  }
  static bool isJson(const std::string& out) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    return !parser.parse(out).get(doc);
  }

  Pseudonymizer pseudonymizer_{Pseudonymizer::demoKey()};
  DecoderLimits limits_;
  DeadLetterSanitiser sanitiser_{pseudonymizer_, limits_, 2048};
};

TEST_F(DeadLetterSanitiserTest, PersonsBecomeTheDecodersPseudonymsAndUnknownFieldsAreDropped) {
  // Rejected (bad ts), with a raw id in an unknown field as well.
  const std::string message =
      std::string(R"({"v":1,"event_id":"e-1","source":"s","type":"visit",)") +
      R"("ts":"yesterday","persons":[")" + std::string(kRaw1) + R"(",")" + std::string(kRaw2) +
      R"("],"matter":"m:1","region":"520302",)" +
      R"("level":"county","phone":"13800138000","contact":")" + std::string(kRaw1) + R"("})";
  const std::string out = sanitiser_.sanitise(message);
  EXPECT_EQ(out, R"({"v":1,"event_id":"e-1","source":"s","type":"visit","ts":"yesterday",)"
                 R"("persons":[")" +
                     pseudonym(kRaw1) + R"(",")" + pseudonym(kRaw2) +
                     R"("],"matter":"m:1","region":"520302","level":"county"})");
  expectNoRawId(out);
  EXPECT_EQ(out.find("13800138000"), std::string::npos);

  // The very pseudonym an accepted event gets, so an analyst can correlate the two.
  EventDecoder decoder(pseudonymizer_);
  CaseEvent ev;
  DecodeError error;
  std::string valid = message;
  valid.replace(valid.find("yesterday"), 9, "2026-03-04T09:15:00+08:00");
  ASSERT_TRUE(decoder.decode(valid, ev, error)) << error.message();
  ASSERT_EQ(ev.persons.size(), 2u);
  EXPECT_NE(out.find(Pseudonymizer::format(ev.persons[0])), std::string::npos);
}

TEST_F(DeadLetterSanitiserTest, AnEscapedIdGetsThePseudonymOfItsText) {
  const std::string out = sanitiser_.sanitise(R"({"persons":["id:\u0053ECRET-person-0001"]})");
  EXPECT_EQ(out, R"({"persons":[")" + pseudonym(kRaw1) + R"("]})");
}

TEST_F(DeadLetterSanitiserTest, PersonsOfAnyShapeKeepNoRawValue) {
  EXPECT_EQ(sanitiser_.sanitise(R"({"persons":"id:SECRET-person-0001"})"),
            R"({"persons":")" + pseudonym(kRaw1) + R"("})");
  EXPECT_EQ(sanitiser_.sanitise(R"({"persons":[110101199001011234, true, null]})"),
            R"({"persons":[")" + pseudonym("110101199001011234") + R"(",true,null]})");
  const std::string nested = sanitiser_.sanitise(
      R"({"persons":[["id:SECRET-person-0001"],{"id:SECRET-person-0002":"id:SECRET-person-0001"}]})");
  EXPECT_EQ(nested, R"({"persons":[[")" + pseudonym(kRaw1) + R"("],{")" + pseudonym(kRaw2) +
                        R"(":")" + pseudonym(kRaw1) + R"("}]})");
  // Deeper than max_nesting: the container is not walked.
  std::string deep = R"({"persons":)";
  for (int i = 0; i < 40; ++i) deep += "[";
  deep += R"("id:SECRET-person-0001")";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  const std::string out = sanitiser_.sanitise(deep);
  expectNoRawId(out);
  EXPECT_NE(out.find("<too deep>"), std::string::npos) << out;
  EXPECT_TRUE(isJson(out)) << out;
}

TEST_F(DeadLetterSanitiserTest, AnyNumberOfPersonsIsPseudonymisedThenTheResultIsCut) {
  std::string message = R"({"v":1,"type":"visit","persons":[)";
  for (int i = 0; i < 2000; ++i) message += (i ? ",\"" : "\"") + std::string(kRaw1) + "\"";
  message += "]}";
  const std::string out = sanitiser_.sanitise(message);
  EXPECT_LE(out.size(), 2048u);
  EXPECT_EQ(out.rfind(R"({"v":1,"type":"visit","persons":[")" + pseudonym(kRaw1), 0), 0u) << out;
  expectNoRawId(out);
}

TEST_F(DeadLetterSanitiserTest, ContractFieldsHoldingContainersAreReplaced) {
  EXPECT_EQ(sanitiser_.sanitise(
                R"({"matter":{"name":"SECRET"},"region":["SECRET"],"days":3,"resolved":true})"),
            R"({"matter":"<object dropped>","region":"<array dropped>","days":3,"resolved":true})");
}

TEST_F(DeadLetterSanitiserTest, WhatIsNotAJsonObjectKeepsNoBody) {
  const std::string truncated = R"({"v":1,"persons":["id:SECRET-person-0001","id:SECR)";
  const std::string out = sanitiser_.sanitise(truncated);
  EXPECT_EQ(out, R"({"dropped":"not_json","bytes":)" + std::to_string(truncated.size()) +
                     R"(,"digest":")" +
                     fmt::format("{:016x}", pseudonymizer_.pseudonymise(truncated)) + R"("})");
  EXPECT_EQ(sanitiser_.sanitise(truncated), out) << "the digest matches identical resends";
  EXPECT_EQ(sanitiser_.sanitise(R"(["id:SECRET-person-0001"])")
                .rfind(R"({"dropped":"not_an_object",)", 0),
            0u);
  EXPECT_EQ(
      sanitiser_.sanitise("\"id:SECRET-person-0001\"").rfind(R"({"dropped":"not_an_object",)", 0),
      0u);
  EXPECT_EQ(sanitiser_.sanitise("").rfind(R"({"dropped":"not_json","bytes":0,)", 0), 0u);
  EXPECT_EQ(
      sanitiser_.sanitise("{\"persons\":[\"id:\xff\xfe\"]}").rfind(R"({"dropped":"not_json",)", 0),
      0u);
}

TEST_F(DeadLetterSanitiserTest, ATooLargeMessageIsNotParsed) {
  DecoderLimits small;
  small.max_message_bytes = 64;
  DeadLetterSanitiser sanitiser(pseudonymizer_, small, 2048);
  const std::string big =
      R"({"persons":["id:SECRET-person-0001"],"note":")" + std::string(100, 'x') + "\"}";
  const std::string out = sanitiser.sanitise(big);
  EXPECT_EQ(out.rfind(R"({"dropped":"too_large","bytes":)" + std::to_string(big.size()) + ",", 0),
            0u)
      << out;
  expectNoRawId(out);
}

TEST_F(DeadLetterSanitiserTest, TheCutKeepsUtf8Whole) {
  DeadLetterSanitiser sanitiser(pseudonymizer_, limits_, 20);
  const std::string out = sanitiser.sanitise(R"({"matter":"上访事项上访事项上访事项"})");
  EXPECT_LE(out.size(), 20u);
  EXPECT_TRUE(simdjson::validate_utf8(out.data(), out.size())) << out;
}

// Any bytes: random, truncated and mutated messages. The result is bounded, holds no raw id, and is
// JSON whenever it was not cut.
TEST_F(DeadLetterSanitiserTest, FuzzedInputNeverLeaksOrCrashes) {
  const std::string seed =
      R"({"v":1,"event_id":"e-9","source":"s","type":"case.registered","ts":"2026-03-04T09:15:00+08:00",)"
      R"("case_id":"C-9","persons":["id:SECRET-person-0001",["id:SECRET-person-0002"]],"matter":"m",)"
      R"("region":"520302","agency":"a","category":"land","channel":"visit","level":"county",)"
      R"("extra":{"name":"SECRET","ids":["id:SECRET-person-0001"]}})";
  std::mt19937_64 rng(20260304);
  const size_t max_bytes = 256;
  DeadLetterSanitiser sanitiser(pseudonymizer_, limits_, max_bytes);
  auto check = [&](const std::string& input) {
    const std::string out = sanitiser.sanitise(input);
    ASSERT_LE(out.size(), max_bytes);
    ASSERT_EQ(out.find("SECRET"), std::string::npos) << "input: " << input << "\nout: " << out;
    if (out.size() < max_bytes) {
      ASSERT_TRUE(isJson(out)) << out;
    }
  };
  for (size_t n = 0; n <= seed.size(); ++n) check(seed.substr(0, n));  // every truncation
  const std::string alphabet = "{}[]\",:\\ u0a1-";
  for (int i = 0; i < 20000; ++i) {
    std::string m = seed;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          m.erase(at, 1 + rng() % 3);
          break;
        default:
          m.insert(at, 1, static_cast<char>(rng() % 256));
      }
      if (m.empty()) m = "{";
    }
    check(m);
  }
  for (int i = 0; i < 2000; ++i) {  // random bytes
    std::string m(rng() % 300, '\0');
    for (char& c : m) c = static_cast<char>(rng() % 256);
    check(m);
  }
}

}  // namespace
}  // namespace casewatch
