#include "alerts/alert_book.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace casewatch {
namespace {

using ::testing::ElementsAre;

constexpr TimeMs kT0 = 1772586900000;  // 2026-03-04T09:15:00+08:00

// The book words what a signal says with the templates it is given.
AlertBook wordedBook() {
  static const AlertWording kWording(*MessageCatalog::parse(R"y(
test.summary: {args: {tier: text}, en: "summary {tier}", zh-CN: "摘要"}
test.reason: {en: "text", zh-CN: "文本"}
)y",
                                                            "test", nullptr));
  AlertBook book;
  book.setWording(&kWording);
  return book;
}

Signal signal(Tier tier, std::string subject = "C-1", TimeMs at = kT0,
              std::string_view model = "overdue") {
  Signal s;
  s.model = model;
  s.subject_kind = SubjectKind::kCase;
  s.subject_id = std::move(subject);
  s.tier = tier;
  s.score = tier == Tier::kNone ? 0 : 0.1 * static_cast<int>(tier);
  Reason r;
  r.code = "procedural_reply_days_overdue";
  r.number = static_cast<int>(tier);
  r.text = Phrase("test.reason");
  s.reasons.push_back(r);
  if (tier != Tier::kNone) s.actions = {Action::kSendProceduralReply};
  s.region = "520302";
  s.agency = "agency-a";
  s.category = "wage_arrears";
  s.summary = Phrase("test.summary", {{"tier", tierName(tier)}});
  s.at = at;
  return s;
}

TEST(AlertBookTest, ANewAlertFires) {
  AlertBook book = wordedBook();
  auto c = book.apply(signal(Tier::kYellow));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->kind, ChangeKind::kFired);
  EXPECT_EQ(c->at, kT0);
  EXPECT_EQ(c->actor, "casewatch");
  const Alert& a = c->alert;
  EXPECT_EQ(a.alert_id, alertFingerprint("overdue", SubjectKind::kCase, "C-1"));
  EXPECT_EQ(a.status, AlertStatus::kFiring);
  EXPECT_TRUE(a.active());
  EXPECT_EQ(a.model, "overdue");
  EXPECT_EQ(a.tier, Tier::kYellow);
  EXPECT_EQ(a.subject_kind, SubjectKind::kCase);
  EXPECT_EQ(a.subject_id, "C-1");
  EXPECT_DOUBLE_EQ(a.score, 0.2);
  EXPECT_EQ(a.region, "520302");
  EXPECT_EQ(a.agency, "agency-a");
  EXPECT_EQ(a.category, "wage_arrears");
  EXPECT_EQ(a.starts_at, kT0);
  EXPECT_EQ(a.updated_at, kT0);
  ASSERT_EQ(a.reasons.size(), 1u);
  EXPECT_EQ(a.reasons[0].code, "procedural_reply_days_overdue");
  EXPECT_THAT(a.actions, ElementsAre(Action::kSendProceduralReply));
  EXPECT_EQ(a.summary.get("en"), "summary yellow");
  EXPECT_EQ(a.summary.get("zh-CN"), "摘要");
  EXPECT_EQ(book.activeCount(), 1u);
  const Alert* found = book.find(a.alert_id);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->tier, Tier::kYellow);
}

TEST(AlertBookTest, TheSameTierChangesNothingButUpdatesTheNumbersSilently) {
  AlertBook book = wordedBook();
  const std::string id = book.apply(signal(Tier::kOrange))->alert.alert_id;
  Signal again = signal(Tier::kOrange, "C-1", kT0 + 1000);
  again.score = 0.85;
  again.reasons[0].number = 3;
  EXPECT_FALSE(book.apply(std::move(again)).has_value());
  const Alert* a = book.find(id);
  ASSERT_NE(a, nullptr);
  EXPECT_DOUBLE_EQ(a->score, 0.85);
  EXPECT_EQ(a->reasons[0].number, 3);
  EXPECT_EQ(a->updated_at, kT0 + 1000);
  EXPECT_EQ(a->starts_at, kT0);
  EXPECT_EQ(book.activeCount(), 1u);
}

TEST(AlertBookTest, TheSameEvidenceIsNotWordedAgainUnlessTheWordingChanged) {
  static const AlertWording kOther(*MessageCatalog::parse(R"y(
test.summary: {args: {tier: text}, en: "other {tier}", zh-CN: "其他"}
test.reason: {en: "other text", zh-CN: "其他文本"}
)y",
                                                          "test", nullptr));
  AlertBook book = wordedBook();
  const std::string id = book.apply(signal(Tier::kOrange))->alert.alert_id;
  const uint64_t rev = book.find(id)->evidence_rev;
  // The same evidence later: the numbers' time moves on, the texts and their revision do not.
  EXPECT_FALSE(book.apply(signal(Tier::kOrange, "C-1", kT0 + 1000)).has_value());
  EXPECT_EQ(book.find(id)->evidence_rev, rev);
  EXPECT_EQ(book.find(id)->updated_at, kT0 + 1000);
  // New evidence is worded (a new revision, which the workflow copies).
  Signal changed = signal(Tier::kOrange, "C-1", kT0 + 2000);
  changed.reasons[0].number = 9;
  book.apply(std::move(changed));
  EXPECT_GT(book.find(id)->evidence_rev, rev);
  EXPECT_EQ(book.find(id)->reasons[0].number, 9);
  // Other templates word even the same evidence again.
  const uint64_t before = book.find(id)->evidence_rev;
  book.setWording(&kOther);
  Signal same = signal(Tier::kOrange, "C-1", kT0 + 3000);
  same.reasons[0].number = 9;
  book.apply(std::move(same));
  EXPECT_GT(book.find(id)->evidence_rev, before);
  EXPECT_EQ(book.find(id)->summary.get("en"), "other orange");
}

TEST(AlertBookTest, ATierChangeIsPublished) {
  AlertBook book = wordedBook();
  book.apply(signal(Tier::kYellow));
  auto up = book.apply(signal(Tier::kOrange, "C-1", kT0 + 1000));
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->kind, ChangeKind::kTierChanged);
  EXPECT_EQ(up->alert.tier, Tier::kOrange);
  EXPECT_EQ(up->alert.starts_at, kT0);  // the same alert, updated in place
  EXPECT_EQ(up->alert.updated_at, kT0 + 1000);
  EXPECT_EQ(up->at, kT0 + 1000);
  auto down = book.apply(signal(Tier::kBlue, "C-1", kT0 + 2000));
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->kind, ChangeKind::kTierChanged);
  EXPECT_EQ(down->alert.tier, Tier::kBlue);
  EXPECT_EQ(down->alert.alert_id, up->alert.alert_id);
  EXPECT_EQ(book.activeCount(), 1u);
}

TEST(AlertBookTest, TierNoneResolvesAndRemoves) {
  AlertBook book = wordedBook();
  const std::string id = book.apply(signal(Tier::kRed))->alert.alert_id;
  auto c = book.apply(signal(Tier::kNone, "C-1", kT0 + 5000));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->kind, ChangeKind::kResolved);
  EXPECT_EQ(c->at, kT0 + 5000);
  EXPECT_EQ(c->alert.alert_id, id);
  EXPECT_EQ(c->alert.status, AlertStatus::kResolved);
  EXPECT_FALSE(c->alert.active());
  EXPECT_EQ(c->alert.starts_at, kT0);
  EXPECT_EQ(c->alert.updated_at, kT0 + 5000);
  EXPECT_TRUE(c->alert.actions.empty());
  EXPECT_EQ(c->alert.summary.get("en"), "summary none");
  EXPECT_EQ(book.find(id), nullptr);
  EXPECT_EQ(book.activeCount(), 0u);
  // Resolving again is nothing; firing again is a new alert with a new start.
  EXPECT_FALSE(book.apply(signal(Tier::kNone, "C-1", kT0 + 6000)).has_value());
  auto again = book.apply(signal(Tier::kYellow, "C-1", kT0 + 7000));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->kind, ChangeKind::kFired);
  EXPECT_EQ(again->alert.alert_id, id);
  EXPECT_EQ(again->alert.starts_at, kT0 + 7000);
}

TEST(AlertBookTest, TierNoneForAnUnknownAlertIsNothing) {
  AlertBook book = wordedBook();
  book.apply(signal(Tier::kYellow, "C-1"));
  EXPECT_FALSE(book.apply(signal(Tier::kNone, "C-2")).has_value());
  EXPECT_EQ(book.activeCount(), 1u);
}

TEST(AlertBookTest, AlertsAreKeptPerModelAndSubject) {
  AlertBook book = wordedBook();
  book.apply(signal(Tier::kYellow, "C-1", kT0, "overdue"));
  book.apply(signal(Tier::kYellow, "C-2", kT0, "overdue"));
  auto other_model = book.apply(signal(Tier::kYellow, "C-1", kT0, "key_case"));
  ASSERT_TRUE(other_model.has_value());
  EXPECT_EQ(other_model->kind, ChangeKind::kFired);
  EXPECT_EQ(book.activeCount(), 3u);
  std::set<std::string> models;
  book.forEachActive([&](const Alert& a) { models.insert(a.model + "/" + a.subject_id); });
  EXPECT_EQ(models, (std::set<std::string>{"key_case/C-1", "overdue/C-1", "overdue/C-2"}));
  book.clear();
  EXPECT_EQ(book.activeCount(), 0u);
}

TEST(AlertFingerprintTest, SixteenHexDigitsOfBlake2bOverModelKindAndSubject) {
  // Computed independently: hashlib.blake2b(b"overdue\0case\0ZY-2026-0042", digest_size=8).
  EXPECT_EQ(alertFingerprint("overdue", SubjectKind::kCase, "ZY-2026-0042"), "2baaa7dcf538d073");
  const std::regex shape("[0-9a-f]{16}");
  EXPECT_TRUE(std::regex_match(alertFingerprint("m", SubjectKind::kRegion, ""), shape));
}

TEST(AlertFingerprintTest, StableAndDistinctAcrossModelsKindsAndSubjects) {
  EXPECT_EQ(alertFingerprint("overdue", SubjectKind::kCase, "C-1"),
            alertFingerprint("overdue", SubjectKind::kCase, "C-1"));
  std::set<std::string> ids;
  for (std::string_view model : {"overdue", "repeat_visit", "group_incident", "key_case"}) {
    for (auto kind : {SubjectKind::kCase, SubjectKind::kPerson, SubjectKind::kMatter,
                      SubjectKind::kRegion, SubjectKind::kAgency}) {
      for (int i = 0; i < 20; ++i) ids.insert(alertFingerprint(model, kind, std::to_string(i)));
    }
  }
  EXPECT_EQ(ids.size(), 4u * 5u * 20u);
  // The separators keep the parts apart: ("ab", "c") is not ("a", "bc").
  EXPECT_NE(alertFingerprint("overdue", SubjectKind::kCase, "case1"),
            alertFingerprint("overduecase", SubjectKind::kCase, "1"));
}

TEST(AlertNamesTest, StatusAndChangeNames) {
  EXPECT_EQ(alertStatusName(AlertStatus::kFiring), "firing");
  EXPECT_EQ(alertStatusName(AlertStatus::kSilenced), "silenced");
  AlertStatus s;
  ASSERT_TRUE(alertStatusFromName("escalated", s));
  EXPECT_EQ(s, AlertStatus::kEscalated);
  EXPECT_FALSE(alertStatusFromName("open", s));
  EXPECT_EQ(changeKindName(ChangeKind::kFired), "fired");
  EXPECT_EQ(changeKindName(ChangeKind::kTierChanged), "tier_changed");
  EXPECT_EQ(changeKindName(ChangeKind::kResolved), "resolved");
  EXPECT_EQ(changeKindName(ChangeKind::kUpdated), "updated");
}

TEST(SignalNamesTest, TiersSubjectsAndActions) {
  EXPECT_EQ(tierName(Tier::kNone), "none");
  EXPECT_EQ(tierName(Tier::kBlue), "blue");
  EXPECT_EQ(tierName(Tier::kYellow), "yellow");
  EXPECT_EQ(tierName(Tier::kOrange), "orange");
  EXPECT_EQ(tierName(Tier::kRed), "red");
  for (Tier t : {Tier::kNone, Tier::kBlue, Tier::kYellow, Tier::kOrange, Tier::kRed}) {
    Tier back = Tier::kNone;
    ASSERT_TRUE(tierFromName(tierName(t), back));
    EXPECT_EQ(back, t);
  }
  Tier t;
  EXPECT_FALSE(tierFromName("purple", t));
  EXPECT_FALSE(tierFromName("Red", t));
  EXPECT_LT(Tier::kBlue, Tier::kYellow);  // the tiers are ordered
  EXPECT_LT(Tier::kYellow, Tier::kOrange);
  EXPECT_LT(Tier::kOrange, Tier::kRed);
  EXPECT_EQ(subjectKindName(SubjectKind::kCase), "case");
  EXPECT_EQ(subjectKindName(SubjectKind::kPerson), "person");
  EXPECT_EQ(subjectKindName(SubjectKind::kMatter), "matter");
  EXPECT_EQ(subjectKindName(SubjectKind::kRegion), "region");
  EXPECT_EQ(subjectKindName(SubjectKind::kAgency), "agency");
  // The contract's action codes, each with text in both locales.
  const char* codes[] = {"reply_now",         "send_procedural_reply",
                         "assign_leader",     "schedule_hearing",
                         "mediate",           "check_aid_eligibility",
                         "review_case",       "fix_at_source",
                         "notify_leadership", "joint_visit"};
  static_assert(std::size(codes) == kActionCount);
  const AlertWording& w = AlertWording::builtin();
  for (size_t i = 0; i < kActionCount; ++i) {
    const auto a = static_cast<Action>(i);
    EXPECT_EQ(actionName(a), codes[i]);
    EXPECT_FALSE(w.actionText(a, "en").empty());
    EXPECT_FALSE(w.actionText(a, "zh-CN").empty());
    EXPECT_NE(w.actionText(a, "en")[0], '[');
    EXPECT_NE(w.actionText(a, "en"), w.actionText(a, "zh-CN"));
  }
  EXPECT_EQ(w.actionText(Action::kReplyNow, "fr"), w.actionText(Action::kReplyNow, "en"));
}

}  // namespace
}  // namespace casewatch
