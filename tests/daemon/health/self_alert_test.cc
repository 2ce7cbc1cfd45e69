#include "daemon/health/self_alert.h"

#include <gtest/gtest.h>

#include "alerts/alert_json.h"

namespace casewatch {
namespace {

TEST(SelfAlertTest, FiresRedAboutTheDaemonWithTheCauseAndDataDir) {
  const Alert a = selfAlert(SelfAlertCause::kDiskFull, "journal: No space left on device",
                            "/var/lib/casewatch", 1'700'000'000'000);
  EXPECT_EQ(a.model, "casewatch");
  EXPECT_EQ(a.subject_kind, SubjectKind::kService);
  EXPECT_EQ(a.subject_id, "casewatchd");
  EXPECT_EQ(a.alert_id, alertFingerprint("casewatch", SubjectKind::kService, "casewatchd"));
  EXPECT_EQ(a.tier, Tier::kRed);
  EXPECT_EQ(a.status, AlertStatus::kFiring);
  ASSERT_EQ(a.reasons.size(), 1u);
  EXPECT_EQ(a.reasons[0].code, "disk_full");
  EXPECT_EQ(a.reasons[0].string_value, "/var/lib/casewatch");
  EXPECT_NE(a.summary.get("en").find("/var/lib/casewatch is full"), std::string::npos);
  EXPECT_NE(a.summary.find("zh-CN"), nullptr);

  const AlertChange fired = selfAlertFired(a);
  EXPECT_EQ(fired.kind, ChangeKind::kFired);
  EXPECT_EQ(fired.seq, 0u);  // not part of the replayed history
  const AlertChange resolved = selfAlertResolved(a, 1'700'000'060'000);
  EXPECT_EQ(resolved.kind, ChangeKind::kResolved);
  EXPECT_EQ(resolved.alert.status, AlertStatus::kResolved);
  EXPECT_EQ(resolved.alert.updated_at, 1'700'000'060'000);
}

TEST(SelfAlertTest, ItsJsonReadsBackWithTheServiceSubject) {
  const Alert a = selfAlert(SelfAlertCause::kStoreFailing, "store: disk I/O error", "/d", 0);
  const std::string json = alertToJson(a, AlertJsonOptions{});
  EXPECT_NE(json.find(R"("subject":{"kind":"service","id":"casewatchd"})"), std::string::npos)
      << json;
  auto back = alertFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->subject_kind, SubjectKind::kService);
  EXPECT_EQ(back->reasons.at(0).code, "store_failing");
}

}  // namespace
}  // namespace casewatch
