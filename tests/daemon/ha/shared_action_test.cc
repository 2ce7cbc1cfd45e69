// A duty officer's action as the two replicas of an HA pair share it: recorded from the call made
// on one replica's operations, written as JSON, read back and made on the other's; refused text;
// an action the other replica already reflects changes nothing there.
#include "daemon/ha/shared_action.h"

#include <gtest/gtest.h>

#include "daemon/ha/action_recorder.h"
#include "tests/fakes/fake_alert_operations.h"

namespace casewatch {
namespace {

using testing::FakeAlertOperations;

Alert firing(const std::string& id) {
  Alert a;
  a.alert_id = id;
  a.status = AlertStatus::kFiring;
  a.tier = Tier::kRed;
  return a;
}

// Records the call made on `a`, and makes it on `b` through the JSON the store would hold.
absl::Status shareOnce(FakeAlertOperations& a, FakeAlertOperations& b,
                       const std::function<absl::Status(AlertOperations&)>& call) {
  ActionRecorder recorder(a, "replica-a");
  if (absl::Status s = call(recorder); !s.ok()) return s;
  EXPECT_TRUE(recorder.recorded().has_value());
  if (!recorder.recorded()) return absl::InternalError("nothing recorded");
  auto read = SharedAction::fromJson(recorder.recorded()->toJson());
  EXPECT_TRUE(read.ok()) << read.status();
  if (!read.ok()) return read.status();
  EXPECT_EQ(read->origin, "replica-a");
  return read->applyTo(b);
}

TEST(SharedActionTest, AcksUnacksAndResolutionsMadeOnOneReplicaAreMadeOnTheOther) {
  FakeAlertOperations a, b;
  for (FakeAlertOperations* ops : {&a, &b}) {
    ops->addAlert(firing("al-1"));
    ops->addAlert(firing("al-2"));
  }
  ASSERT_TRUE(shareOnce(a, b, [](AlertOperations& o) {
                return o.acknowledge("al-1", "duty:li", "on it").status();
              }).ok());
  ASSERT_TRUE(shareOnce(a, b, [](AlertOperations& o) {
                return o.unacknowledge("al-1", "duty:wang").status();
              }).ok());
  ASSERT_TRUE(shareOnce(a, b, [](AlertOperations& o) {
                return o.resolve("al-2", "duty:li", "handled by phone").status();
              }).ok());
  EXPECT_EQ(b.changes(), a.changes());
  EXPECT_EQ(b.changes(),
            (std::vector<std::string>{"ack al-1 by=duty:li note=on it", "unack al-1 by=duty:wang",
                                      "resolve al-2 by=duty:li note=handled by phone"}));
}

TEST(SharedActionTest, ASilenceKeepsItsIdStartAndAuthorAndExpiringItEndsItOnBoth) {
  FakeAlertOperations a, b;
  a.setNow(1000);
  b.setNow(1000);
  Silence s;
  s.matchers = {{"region", "3301", false}, {"tier", "re.*", true}};
  s.starts_at = 2000;
  s.ends_at = 90000;
  s.comment = "flood duty";
  ActionRecorder recorder(a, "replica-a");
  auto added = recorder.addSilence(s, "duty:li");
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_TRUE(recorder.recorded());
  auto read = SharedAction::fromJson(recorder.recorded()->toJson());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->kind, SharedAction::Kind::kAddSilence);
  EXPECT_EQ(read->silence.id, added->id);
  EXPECT_EQ(read->silence.starts_at, 2000);
  EXPECT_EQ(read->silence.ends_at, 90000);
  EXPECT_EQ(read->silence.created_by, "duty:li");
  EXPECT_EQ(read->silence.comment, "flood duty");
  ASSERT_EQ(read->silence.matchers.size(), 2u);
  EXPECT_EQ(read->silence.matchers[1].name, "tier");
  EXPECT_EQ(read->silence.matchers[1].value, "re.*");
  EXPECT_TRUE(read->silence.matchers[1].is_regex);

  // The other replica already has it (say, loaded with the workflow's state): nothing changes.
  b.addSilenceForTest(read->silence);
  EXPECT_TRUE(read->applyTo(b).ok());
  EXPECT_TRUE(b.changes().empty());
  EXPECT_EQ(b.allSilences().size(), 1u);

  ASSERT_TRUE(shareOnce(a, b, [&](AlertOperations& o) {
                return o.expireSilence(added->id, "duty:wang");
              }).ok());
  EXPECT_EQ(b.changes(), (std::vector<std::string>{"expire " + added->id + " by=duty:wang"}));
}

TEST(SharedActionTest, ARefusedCallRecordsNothingAndAReplayedOneChangesNothing) {
  FakeAlertOperations a, b;
  a.addAlert(firing("al-1"));
  b.addAlert(firing("al-1"));
  ActionRecorder recorder(a, "replica-a");
  EXPECT_EQ(recorder.acknowledge("nope", "duty:li", "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(recorder.recorded());
  ASSERT_TRUE(recorder.acknowledge("al-1", "duty:li", "mine").ok());
  const SharedAction ack = *recorder.recorded();
  ASSERT_TRUE(ack.applyTo(b).ok());
  EXPECT_EQ(ack.applyTo(b).code(), absl::StatusCode::kFailedPrecondition);  // seen twice
  EXPECT_EQ(b.changes().size(), 1u);
}

TEST(SharedActionTest, TextThisCasewatchDidNotWriteIsRefused) {
  for (const char* text : {"", "[]", "{\"v\":2,\"kind\":\"acknowledge\",\"alert_id\":\"x\"}",
                           "{\"v\":1,\"kind\":\"reboot\"}", "{\"v\":1,\"kind\":\"acknowledge\"}",
                           "{\"v\":1,\"kind\":\"add_silence\",\"silence\":{\"comment\":\"no id\"}}",
                           "{\"v\":1,\"kind\":\"expire_silence\"}"}) {
    EXPECT_EQ(SharedAction::fromJson(text).status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
}

}  // namespace
}  // namespace casewatch
