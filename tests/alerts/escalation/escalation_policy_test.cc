#include "alerts/escalation/escalation_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"

#include "alerts/sinks/alertmanager/alertmanager_config.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr TimeMs kT0 = 1772586900000;
constexpr TimeMs kMin = kMsPerMinute;

TEST(EscalationPolicyTest, TheDocumentedDefaults) {
  const EscalationPolicy p{EscalationConfig{}};
  auto s = p.next(Tier::kRed, kT0, 0, 0);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->kind, EscalationPolicy::StepKind::kEscalate);
  EXPECT_EQ(s->due, kT0 + 30 * kMin);
  EXPECT_EQ(s->level, 1);
  EXPECT_EQ(s->target, "section_chief");
  s = p.next(Tier::kRed, kT0, 1, kT0 + 30 * kMin);
  EXPECT_EQ(s->due, kT0 + 120 * kMin);
  EXPECT_EQ(s->target, "leadership");
  s = p.next(Tier::kRed, kT0, 2, kT0 + 120 * kMin);
  EXPECT_EQ(s->kind, EscalationPolicy::StepKind::kRenotify);
  EXPECT_EQ(s->due, kT0 + (120 + 1440) * kMin);
  EXPECT_EQ(s->level, 2);
  EXPECT_EQ(p.next(Tier::kOrange, kT0, 0, 0)->due, kT0 + 4 * 60 * kMin);
  EXPECT_EQ(p.next(Tier::kOrange, kT0, 1, 0)->due, kT0 + 24 * 60 * kMin);
  EXPECT_FALSE(p.next(Tier::kYellow, kT0, 0, 0).has_value());
  EXPECT_FALSE(p.next(Tier::kBlue, kT0, 0, 0).has_value());
  EXPECT_FALSE(p.next(Tier::kNone, kT0, 0, 0).has_value());
  EXPECT_THAT(p.noticeTargets(Tier::kRed), ElementsAre("leadership"));
  EXPECT_TRUE(p.noticeTargets(Tier::kOrange).empty());
  EXPECT_EQ(p.target(Tier::kRed, 0), "duty_officer");
  EXPECT_EQ(p.target(Tier::kYellow, 2), "duty_officer");  // past the chain: its last
}

TEST(EscalationPolicyTest, ALevelReachedInAHigherTierIsKept) {
  const EscalationPolicy p{EscalationConfig{}};
  // Red at level 1 falling to orange: orange's chain goes on from level 1.
  auto s = p.next(Tier::kOrange, kT0, 1, kT0);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->level, 2);
  EXPECT_EQ(s->due, kT0 + 24 * 60 * kMin);
  // Orange at level 2 (reached while red): nothing more to climb, and orange has no reminders.
  EXPECT_FALSE(p.next(Tier::kOrange, kT0, 2, kT0).has_value());
  EscalationConfig c;
  c.orange.renotify_minutes = 60;
  s = EscalationPolicy(c).next(Tier::kOrange, kT0, 2, kT0 + 30 * 60 * kMin);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->kind, EscalationPolicy::StepKind::kRenotify);
  EXPECT_EQ(s->due, kT0 + (30 * 60 + 60) * kMin);  // after the latest step
}

TEST(EscalationPolicyTest, ReminderOnlyChain) {
  EscalationConfig c;
  c.yellow = TierEscalationConfig{{"duty_officer"}, {}, 15, {}};
  const EscalationPolicy p(c);
  auto s = p.next(Tier::kYellow, kT0, 0, 0);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->kind, EscalationPolicy::StepKind::kRenotify);
  EXPECT_EQ(s->due, kT0 + 15 * kMin);
  EXPECT_EQ(p.next(Tier::kYellow, kT0, 0, kT0 + 15 * kMin)->due, kT0 + 30 * kMin);
}

// --- the config keys (config/alerting_config.h) ---

std::string errorsOf(const std::string& yaml) {
  return loadConfig(yaml).describe();
}

TEST(WorkflowConfigTest, DefaultsAndOverrides) {
  const ConfigResult d = loadDefaultConfig();
  ASSERT_TRUE(d.ok()) << d.describe();
  EXPECT_EQ(d.config.escalation, EscalationConfig{});
  EXPECT_EQ(d.config.workflow.min_hold_minutes, 30);
  EXPECT_TRUE(d.config.sinks.get<AlertmanagerConfig>().urls.empty());
  const ConfigResult r = loadConfig(R"(
workflow: {min_hold_minutes: 0}
escalation:
  red: {chain: [a, b], after_minutes: [5], notify_at_once: []}
grouping: {enabled: false}
inhibition: {min_tier: orange}
alertmanager:
  urls: ["http://127.0.0.1:9093", "http://[::1]:9094/am"]
  resend_interval_seconds: 5
)");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.workflow.min_hold_minutes, 0);
  EXPECT_THAT(r.config.escalation.red.chain, ElementsAre("a", "b"));
  EXPECT_THAT(r.config.escalation.red.after_minutes, ElementsAre(5));
  EXPECT_EQ(r.config.escalation.red.renotify_minutes, 1440);  // merged key by key
  EXPECT_FALSE(r.config.grouping.enabled);
  EXPECT_EQ(r.config.inhibition.min_tier, "orange");
  EXPECT_THAT(r.config.sinks.get<AlertmanagerConfig>().urls,
              ElementsAre("http://127.0.0.1:9093", "http://[::1]:9094/am"));
  EXPECT_EQ(r.config.sinks.get<AlertmanagerConfig>().resend_interval_seconds, 5);
}

TEST(WorkflowConfigTest, BadValuesNameTheirKey) {
  EXPECT_THAT(
      errorsOf("escalation: {red: {after_minutes: [30]}}"),
      HasSubstr("escalation.red.after_minutes: needs one entry per level after the first: 2"));
  EXPECT_THAT(errorsOf("escalation: {orange: {after_minutes: [60, 30]}}"),
              HasSubstr("escalation.orange.after_minutes[1]: must be later"));
  EXPECT_THAT(errorsOf("escalation: {blue: {chain: [], after_minutes: []}}"),
              HasSubstr("escalation.blue.chain: must name at least one target"));
  EXPECT_THAT(errorsOf("escalation: {red: {after_minutes: [0, 10]}}"),
              HasSubstr("escalation.red.after_minutes[0]"));
  EXPECT_THAT(errorsOf("escalation: {purple: {}}"), HasSubstr("escalation.purple: unknown key"));
  EXPECT_THAT(errorsOf("inhibition: {min_tier: crimson}"), HasSubstr("inhibition.min_tier"));
  EXPECT_THAT(errorsOf("alertmanager: {urls: [\"https://am:9093\"]}"),
              HasSubstr("alertmanager.urls[0]: expected http://host:port"));
  EXPECT_THAT(errorsOf("alertmanager: {urls: [\"http://a:1\", \"http://a:1\"]}"),
              HasSubstr("alertmanager.urls[1]: the same URL"));
  EXPECT_THAT(errorsOf("alertmanager: {retry_initial_ms: 5000, retry_max_ms: 100}"),
              HasSubstr("alertmanager.retry_max_ms: must be at least retry_initial_ms"));
  EXPECT_THAT(errorsOf("alertmanager: {resend_interval_seconds: 0}"),
              HasSubstr("alertmanager.resend_interval_seconds"));
  EXPECT_THAT(errorsOf("workflow: {min_hold_minutes: -1}"), HasSubstr("workflow.min_hold_minutes"));
  EXPECT_THAT(errorsOf("grouping: {member_models: [\"\"]}"),
              HasSubstr("grouping.member_models[0]"));
}

}  // namespace
}  // namespace casewatch
