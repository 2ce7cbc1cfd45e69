#include "daemon/health/readiness.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

ReadinessInputs healthy() {
  ReadinessInputs in;
  in.started = true;
  in.feeds = {FeedLink{"bound", "tcp://127.0.0.1:5570", true, true},
              FeedLink{"peer", "tcp://10.0.0.5:5570", true, true}};
  return in;
}

TEST(ReadinessTest, ReadyWhenEverythingIsHealthyAndConnected) {
  EXPECT_TRUE(assessReadiness(healthy()).ready());
}

TEST(ReadinessTest, EachProblemIsNamedInOrder) {
  ReadinessInputs in = healthy();
  in.journal = absl::UnavailableError("journal: writes are failing and being retried: No space");
  in.store = absl::FailedPreconditionError("store: closed");
  in.feeds[1].connected = false;
  in.feeds.push_back(FeedLink{"late", "tcp://127.0.0.1:6000", false, false});
  const Readiness r = assessReadiness(in);
  EXPECT_FALSE(r.ready());
  EXPECT_EQ(r.reasons, (std::vector<std::string>{
                           "journal: writes are failing and being retried: No space",
                           "store: closed",
                           "feed peer: not connected to tcp://10.0.0.5:5570",
                           "feed late: not running (it failed to start)",
                       }));
}

TEST(ReadinessTest, AFullDiskIsNamedFirstWithTheDataDir) {
  ReadinessInputs in = healthy();
  in.journal = absl::ResourceExhaustedError(
      "journal: writes are failing and being retried: No space left on device");
  in.disk_full = true;
  in.data_dir = "/var/lib/casewatch";
  EXPECT_EQ(assessReadiness(in).reasons,
            (std::vector<std::string>{
                "disk: the data dir /var/lib/casewatch is full: intake paused, writes retried "
                "until space returns",
                "journal: writes are failing and being retried: No space left on device",
            }));
}

TEST(ReadinessTest, NotReadyBeforeStartAndWhileStopping) {
  ReadinessInputs in = healthy();
  in.started = false;
  EXPECT_EQ(assessReadiness(in).reasons, std::vector<std::string>{"daemon: starting"});
  in.started = true;
  in.stopping = true;
  EXPECT_EQ(assessReadiness(in).reasons, std::vector<std::string>{"daemon: stopping"});
}

TEST(ReadinessTest, AFeedWithoutAPeerNamesItsEndpoint) {
  ReadinessInputs in = healthy();
  in.feeds[1].connected = false;
  EXPECT_EQ(assessReadiness(in).reasons,
            std::vector<std::string>{"feed peer: not connected to tcp://10.0.0.5:5570"});
}

}  // namespace
}  // namespace casewatch
