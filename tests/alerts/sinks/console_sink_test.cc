#include "alerts/sinks/console/console_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr TimeMs kAt = 1772586900000;  // 2026-03-04T09:15:00+08:00

AlertChange change(Tier tier = Tier::kOrange, AlertStatus status = AlertStatus::kFiring) {
  AlertChange c;
  c.kind = ChangeKind::kFired;
  c.at = kAt;
  Alert& a = c.alert;
  a.alert_id = "0123456789abcdef";
  a.status = status;
  a.model = "overdue";
  a.tier = tier;
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = "C-1";
  a.starts_at = kAt;
  a.updated_at = kAt;
  AlertReason r;
  r.code = "handling_days_overdue";
  r.number = 3;
  r.text.set("en", "handling was due on 2026-03-01: 3 day(s) overdue");
  r.text.set("zh-CN", "办理答复期限为2026-03-01，已超期3天");
  a.reasons = {r};
  a.actions = {Action::kReplyNow, Action::kNotifyLeadership};
  a.summary.set("en", "Case C-1 (agency-a): handling overdue by up to 3 day(s).");
  a.summary.set("zh-CN", "案件C-1（agency-a）：办理答复已超期，最长3天。");
  return c;
}

TEST(ConsoleSinkTest, RendersEnglish) {
  ConsoleSink sink("en", 480, stdout, /*color=*/false);
  EXPECT_EQ(sink.name(), "console");
  const std::string text = sink.render(change());
  EXPECT_EQ(text,
            "2026-03-04 09:15:00+08:00  ORANGE firing  [overdue case C-1]  "
            "Case C-1 (agency-a): handling overdue by up to 3 day(s).\n"
            "    - handling was due on 2026-03-01: 3 day(s) overdue\n"
            "    do: Reply to the petitioner now; Notify leadership\n");
}

TEST(ConsoleSinkTest, RendersChinese) {
  ConsoleSink sink("zh-CN", 480, stdout, false);
  const std::string text = sink.render(change(Tier::kRed, AlertStatus::kEscalated));
  EXPECT_THAT(text, StartsWith("2026-03-04 09:15:00+08:00  红色 已升级  [overdue case C-1]  "
                               "案件C-1（agency-a）：办理答复已超期，最长3天。\n"));
  EXPECT_THAT(text, HasSubstr("    - 办理答复期限为2026-03-01，已超期3天\n"));
  EXPECT_THAT(text, HasSubstr("    建议: 立即答复信访人；报告领导\n"));
  EXPECT_THAT(text, Not(HasSubstr("Reply to the petitioner")));
}

TEST(ConsoleSinkTest, RendersALocaleATemplateFileAdded) {
  ConsoleSink sink("fr", 480, stdout, false);
  AlertChange c = change();
  c.alert.summary.set("fr", "Dossier C-1 (agency-a) : traitement en retard de 3 jour(s) au plus.");
  c.alert.reasons[0].text.set("fr", "traitement : échéance le 2026-03-01, 3 jour(s) de retard");
  const std::string text = sink.render(c);
  EXPECT_THAT(text, HasSubstr("[overdue case C-1]  Dossier C-1 (agency-a) : traitement en retard"));
  EXPECT_THAT(text, HasSubstr("    - traitement : échéance le 2026-03-01"));
  // A text the alert lacks in that locale is shown in English.
  c.alert.reasons[0].text = {{"en", "in English"}, {"zh-CN", "中文"}};
  EXPECT_THAT(sink.render(c), HasSubstr("    - in English\n"));
}

TEST(ConsoleSinkTest, TimeInTheConfiguredOffset) {
  ConsoleSink sink("en", 0, stdout, false);
  EXPECT_THAT(sink.render(change()), StartsWith("2026-03-04 01:15:00Z  "));
}

TEST(ConsoleSinkTest, NoActionsLineWhenThereAreNone) {
  ConsoleSink sink("en", 480, stdout, false);
  AlertChange c = change(Tier::kOrange, AlertStatus::kResolved);
  c.alert.actions.clear();
  const std::string text = sink.render(c);
  EXPECT_THAT(text, HasSubstr("ORANGE resolved"));
  EXPECT_THAT(text, Not(HasSubstr("do:")));
}

TEST(ConsoleSinkTest, ColourByTierButNotForResolvedAlerts) {
  ConsoleSink sink("en", 480, stdout, /*color=*/true);
  EXPECT_THAT(sink.render(change(Tier::kRed)), StartsWith("\x1b[31m"));
  EXPECT_THAT(sink.render(change(Tier::kYellow)), StartsWith("\x1b[33m"));
  EXPECT_THAT(sink.render(change(Tier::kBlue)), StartsWith("\x1b[34m"));
  const std::string orange = sink.render(change(Tier::kOrange));
  EXPECT_THAT(orange, StartsWith("\x1b[38;5;208m"));
  EXPECT_THAT(orange, HasSubstr("\x1b[0m\n"));  // reset before the reasons
  EXPECT_THAT(sink.render(change(Tier::kRed, AlertStatus::kResolved)), StartsWith("2026-"));
  ConsoleSink plain("en", 480, stdout, false);
  EXPECT_THAT(plain.render(change(Tier::kRed)), Not(HasSubstr("\x1b[")));
}

TEST(ConsoleSinkTest, DeliverWritesTheRenderedText) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ConsoleSink sink("en", 480, f, false);
  EXPECT_EQ(sink.deliver(change()), SinkOutcome::kDelivered);
  EXPECT_EQ(sink.deliver(change(Tier::kRed)), SinkOutcome::kDelivered);
  sink.flush();
  std::rewind(f);
  std::string got;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) got.append(buf, n);
  std::fclose(f);
  EXPECT_EQ(got, sink.render(change()) + sink.render(change(Tier::kRed)));
}

}  // namespace
}  // namespace casewatch
