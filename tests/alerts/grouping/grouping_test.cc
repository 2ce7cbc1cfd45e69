// The grouper and the inhibitor (alerts/grouping/).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/grouping/grouper.h"
#include "alerts/grouping/inhibitor.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Alert alert(std::string model, SubjectKind kind, std::string subject, std::string matter = {},
            Tier tier = Tier::kYellow) {
  Alert a;
  a.model = std::move(model);
  a.subject_kind = kind;
  a.subject_id = std::move(subject);
  a.alert_id = alertFingerprint(a.model, kind, a.subject_id);
  a.tier = tier;
  if (!matter.empty()) {
    AlertReason r;
    r.code = "matter";
    r.string_value = matter;
    a.reasons.push_back(r);
  }
  return a;
}

// By default a recurring matter is a group too: the persons who keep coming back on it
// (repeat_visit, per person and per matter) sit under the matter that keeps coming back, so that
// the duty officer sees one matter. A group_incident on the same matter earlier stays the group.
TEST(GrouperTest, ARecurringMatterGroupsTheRepeatAlertsOnIt) {
  Grouper g{GroupingConfig{}};
  const Alert person = alert("repeat_visit", SubjectKind::kPerson, "P-1", "M-1");
  const Alert persons = alert("repeat_visit", SubjectKind::kMatter, "M-1");
  const Alert other = alert("repeat_visit", SubjectKind::kPerson, "P-2", "M-2");
  const Alert recurring = alert("recurring_matter", SubjectKind::kMatter, "M-1");
  EXPECT_EQ(g.roleOf(recurring), Grouper::Role::kParent);
  EXPECT_THAT(g.add(person), IsEmpty());
  EXPECT_THAT(g.add(persons), IsEmpty());
  EXPECT_THAT(g.add(other), IsEmpty());
  EXPECT_THAT(g.add(recurring), UnorderedElementsAre(person.alert_id, persons.alert_id));
  EXPECT_EQ(g.groupOf(person.alert_id), recurring.alert_id);
  EXPECT_EQ(g.groupOf(persons.alert_id), recurring.alert_id);
  EXPECT_EQ(g.groupOf(other.alert_id), "");

  Grouper h{GroupingConfig{}};
  const Alert incident = alert("group_incident", SubjectKind::kMatter, "M-1");
  EXPECT_THAT(h.add(person), IsEmpty());
  EXPECT_THAT(h.add(incident), ElementsAre(person.alert_id));
  EXPECT_THAT(h.add(recurring), IsEmpty());  // the members already have a group
  EXPECT_EQ(h.groupOf(person.alert_id), incident.alert_id);
  EXPECT_EQ(h.groupOf(recurring.alert_id), recurring.alert_id);
  EXPECT_THAT(h.remove(incident.alert_id), ElementsAre(person.alert_id));
  EXPECT_EQ(h.groupOf(person.alert_id), recurring.alert_id);
}

TEST(GrouperTest, MembersJoinTheGroupOfTheirMatter) {
  Grouper g{GroupingConfig{}};
  const Alert p1 = alert("repeat_visit", SubjectKind::kPerson, "P-1", "M-1");
  const Alert p2 = alert("repeat_visit", SubjectKind::kPerson, "P-2", "M-2");
  const Alert matter_alert = alert("repeat_visit", SubjectKind::kMatter, "M-1");
  const Alert group = alert("group_incident", SubjectKind::kMatter, "M-1");
  const Alert overdue = alert("overdue", SubjectKind::kCase, "C-1", "M-1");
  EXPECT_EQ(g.roleOf(p1), Grouper::Role::kMember);
  EXPECT_EQ(g.roleOf(group), Grouper::Role::kParent);
  EXPECT_EQ(g.roleOf(overdue), Grouper::Role::kNone);
  EXPECT_EQ(Grouper::matterOf(p1), "M-1");
  EXPECT_EQ(Grouper::matterOf(matter_alert), "M-1");

  EXPECT_THAT(g.add(p1), IsEmpty());
  EXPECT_THAT(g.add(p2), IsEmpty());
  EXPECT_THAT(g.add(matter_alert), IsEmpty());
  EXPECT_THAT(g.add(overdue), IsEmpty());
  EXPECT_EQ(g.groupOf(p1.alert_id), "");
  EXPECT_THAT(g.add(group), UnorderedElementsAre(p1.alert_id, matter_alert.alert_id));
  EXPECT_EQ(g.groupOf(p1.alert_id), group.alert_id);
  EXPECT_EQ(g.groupOf(matter_alert.alert_id), group.alert_id);
  EXPECT_EQ(g.groupOf(group.alert_id), group.alert_id);
  EXPECT_EQ(g.groupOf(p2.alert_id), "");
  EXPECT_EQ(g.groupOf(overdue.alert_id), "");
  EXPECT_THAT(g.add(group), IsEmpty());  // idempotent

  EXPECT_THAT(g.remove(p1.alert_id), IsEmpty());
  EXPECT_THAT(g.remove(group.alert_id), ElementsAre(matter_alert.alert_id));
  EXPECT_EQ(g.groupOf(matter_alert.alert_id), "");
}

TEST(GrouperTest, Disabled) {
  GroupingConfig c;
  c.enabled = false;
  Grouper g(c);
  g.add(alert("repeat_visit", SubjectKind::kPerson, "P-1", "M-1"));
  const Alert group = alert("group_incident", SubjectKind::kMatter, "M-1");
  EXPECT_THAT(g.add(group), IsEmpty());
  EXPECT_EQ(g.groupOf(group.alert_id), "");
  EXPECT_EQ(g.tracked(), 0u);
}

TEST(InhibitorTest, TheHighestOtherModelAtOrAboveTheMinimumTierInhibits) {
  Inhibitor inh(true, Tier::kRed);
  const Alert key = alert("key_case", SubjectKind::kCase, "C-1");
  const Alert overdue = alert("overdue", SubjectKind::kCase, "C-1");
  const Alert elsewhere = alert("key_case", SubjectKind::kCase, "C-2");
  EXPECT_THAT(inh.update(key, Tier::kOrange), ElementsAre(key.alert_id));
  inh.update(elsewhere, Tier::kYellow);
  EXPECT_THAT(inh.update(overdue, Tier::kOrange),
              UnorderedElementsAre(key.alert_id, overdue.alert_id));
  EXPECT_EQ(inh.inhibitorOf(key.alert_id), "");  // orange does not inhibit
  inh.update(overdue, Tier::kRed);
  EXPECT_EQ(inh.inhibitorOf(key.alert_id), overdue.alert_id);
  EXPECT_EQ(inh.inhibitorOf(overdue.alert_id), "");
  EXPECT_EQ(inh.inhibitorOf(elsewhere.alert_id), "");
  inh.update(key, Tier::kRed);  // as high: not inhibited
  EXPECT_EQ(inh.inhibitorOf(key.alert_id), "");
  inh.update(key, Tier::kYellow);
  EXPECT_THAT(inh.remove(overdue.alert_id), ElementsAre(key.alert_id));
  EXPECT_EQ(inh.inhibitorOf(key.alert_id), "");
  EXPECT_THAT(inh.remove(overdue.alert_id), IsEmpty());
}

TEST(InhibitorTest, TheSameModelNeverInhibitsItself) {
  Inhibitor inh(true, Tier::kOrange);
  const Alert a = alert("repeat_visit", SubjectKind::kPerson, "P-1");
  const Alert b = alert("repeat_visit", SubjectKind::kMatter, "P-1");  // another subject kind
  inh.update(a, Tier::kRed);
  inh.update(b, Tier::kYellow);
  EXPECT_EQ(inh.inhibitorOf(b.alert_id), "");
  Inhibitor off(false, Tier::kRed);
  EXPECT_THAT(off.update(a, Tier::kRed), IsEmpty());
}

TEST(InhibitorTest, AllInhibitorsAtOnceAreEachAlertsInhibitor) {
  Inhibitor inh(true, Tier::kOrange);
  const std::vector<std::string> models = {"overdue", "key_case", "repeat_visit",
                                           "escalation_risk"};
  const std::vector<Tier> tiers = {Tier::kBlue, Tier::kYellow, Tier::kOrange, Tier::kRed};
  std::vector<Alert> all;
  // 40 subjects with 1 to 4 models each, tiers varied so that ties (same tier, smallest id wins),
  // equal tiers (no inhibition) and tiers below the minimum all occur.
  for (int s = 0; s < 40; ++s) {
    for (int m = 0; m <= s % 4; ++m) {
      Alert a = alert(models[static_cast<size_t>(m)], SubjectKind::kCase, "C-" + std::to_string(s));
      inh.update(a, tiers[static_cast<size_t>((s * 7 + m * 3) % 4)]);
      all.push_back(std::move(a));
    }
  }
  inh.remove(all[5].alert_id);
  const auto at_once = inh.inhibitors();
  size_t inhibited = 0;
  for (const Alert& a : all) {
    const std::string one = inh.inhibitorOf(a.alert_id);
    auto it = at_once.find(a.alert_id);
    EXPECT_EQ(it == at_once.end() ? std::string() : std::string(it->second), one) << a.alert_id;
    inhibited += !one.empty();
  }
  EXPECT_GT(inhibited, 5u);
  EXPECT_EQ(at_once.size(), inhibited);
  EXPECT_TRUE(Inhibitor(false, Tier::kRed).inhibitors().empty());
}

}  // namespace
}  // namespace casewatch
