// App in-process: start, take a feed, stop cleanly, recover after a restart, reload.
#include "daemon/app.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "daemon/config_loader.h"
#include "tests/daemon/http/http_test_client.h"
#include "tests/fakes/eventually.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::eventually;
using testing::httpRequest;
using testing::TempDir;

std::string registered(const std::string& id, const std::string& ts, const std::string& case_id) {
  return R"({"v":1,"event_id":")" + id +
         R"(","source":"app-test","type":"case.registered","ts":")" + ts + R"(","case_id":")" +
         case_id + R"(","persons":["id:)" + id +
         R"("],"matter":"m:1","region":"520302","agency":"huichuan-hrss",)"
         R"("category":"wage_arrears","channel":"letter","level":"county"})";
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// The value of one sample line of the daemon's /metrics, -1 when it is not there.
double metric(uint16_t port, const std::string& series) {
  const std::string body = httpRequest(port, "GET", "/metrics").body;
  const size_t at = body.find(series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + series.size() + 1));
}

std::vector<std::string> baseSets(const std::string& data_dir) {
  return {"data_dir=" + data_dir,
          "metrics.listen=127.0.0.1:0",
          "http.listen=",
          "publish.zmq=",
          "print_alerts=false",
          "clock=event",
          "demo=true",
          "feeds=[]"};
}

AppOptions optionsFor(std::vector<std::string> sets, const std::string& config_path = "") {
  ConfigResult r =
      config_path.empty() ? loadDefaultConfig(sets) : loadConfigFile(config_path, sets);
  EXPECT_TRUE(r.ok()) << r.describe();
  AppOptions o;
  o.config = r.config;
  o.config_path = config_path;
  o.sets = std::move(sets);
  o.handle_signals = false;
  return o;
}

TEST(AppTest, TakesAFeedAndRecoversItFromTheJournalAfterARestart) {
  TempDir tmp;
  const std::string feed = tmp.path() + "/feed.jsonl";
  writeFile(feed, registered("e1", "2026-03-01T09:00:00+08:00", "C-1") + "\n" +
                      registered("e2", "2026-03-01T10:00:00+08:00", "C-2") + "\n");
  auto sets = baseSets(tmp.path() + "/data");
  sets.push_back("feeds=[{name: in, kind: jsonl, endpoint: \"" + feed + "\"}]");
  {
    App app(optionsFor(sets));
    ASSERT_TRUE(app.start().ok());
    int rc = -1;
    std::thread runner([&] { rc = app.run(); });
    const std::string accepted =
        R"(casewatch_ingest_events_total{feed="in",type="case.registered"})";
    EXPECT_TRUE(eventually([&] { return metric(app.metricsPort(), accepted) == 2; }));
    app.requestStop();
    runner.join();
    EXPECT_EQ(rc, 0);
  }
  // The same data_dir without the feed: the journal brings both cases back during start().
  App again(optionsFor(baseSets(tmp.path() + "/data")));
  ASSERT_TRUE(again.start().ok());
  EXPECT_EQ(again.pipelineForTest().cases().size(), 2u);
  again.requestStop();
  EXPECT_EQ(again.run(), 0);
}

// An event that finds the journal idle is committed at once, not at the next tick of the commit
// timer: here the timer ticks every 10 s, and the one event is durable (its write and fdatasync
// counted) long before that. Waiting for the timer put up to commit_interval_ms on the latency
// of every alert while the journal was idle.
TEST(AppTest, AnEventIsCommittedAtOnceWhenTheJournalIsIdle) {
  TempDir tmp;
  const std::string feed = tmp.path() + "/feed.jsonl";
  writeFile(feed, registered("e1", "2026-03-01T09:00:00+08:00", "C-1") + "\n");
  auto sets = baseSets(tmp.path() + "/data");
  sets.push_back("store.commit_interval_ms=10000");
  sets.push_back("feeds=[{name: in, kind: jsonl, endpoint: \"" + feed + "\"}]");
  App app(optionsFor(sets));
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(app.start().ok());
  std::thread runner([&] { app.run(); });
  const std::string commits = "casewatch_journal_commit_seconds_count";
  while (metric(app.metricsPort(), commits) < 1 &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(8)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(metric(app.metricsPort(), commits), 1) << "not committed before the timer's tick";
  app.requestStop();
  runner.join();
}

// The store's transactions reach casewatch_store_commit_seconds (the operations board's store
// commit latency): here the one write is the dead letter of a line that is not JSON.
TEST(AppTest, StoreCommitsAreObservedInTheirHistogram) {
  TempDir tmp;
  const std::string feed = tmp.path() + "/feed.jsonl";
  writeFile(feed, "not json\n");
  auto sets = baseSets(tmp.path() + "/data");
  sets.push_back("feeds=[{name: in, kind: jsonl, endpoint: \"" + feed + "\"}]");
  App app(optionsFor(sets));
  ASSERT_TRUE(app.start().ok());
  std::thread runner([&] { app.run(); });
  EXPECT_TRUE(eventually(
      [&] { return metric(app.metricsPort(), "casewatch_store_commit_seconds_count") >= 1; }));
  app.requestStop();
  runner.join();
}

TEST(AppTest, AReloadAppliesAGoodFileCountsRestartOnlyKeysAndABadFileChangesNothing) {
  TempDir tmp;
  const std::string config = tmp.path() + "/casewatch.yaml";
  writeFile(config, "clocks:\n  warning_days: 2\n");
  App app(optionsFor(baseSets(tmp.path() + "/data"), config));
  ASSERT_TRUE(app.start().ok());
  std::thread runner([&] { app.run(); });
  const uint16_t port = app.metricsPort();

  writeFile(config, "clocks:\n  warning_dayz: 3\n");
  app.requestReload();
  EXPECT_TRUE(eventually(
      [&] { return metric(port, R"(casewatch_config_reloads_total{result="failed"})") == 1; }));

  writeFile(config,
            "clocks:\n  warning_days: 3\nstore:\n  commit_interval_ms: 9\n"
            "shard:\n  regions: [\"52\"]\n");
  app.requestReload();
  EXPECT_TRUE(eventually(
      [&] { return metric(port, R"(casewatch_config_reloads_total{result="ok"})") == 1; }));
  EXPECT_EQ(metric(port, R"(casewatch_config_reload_restart_required_total{key="store"})"), 1);
  // A shard's regions are where its journal's history starts: only a restart changes them.
  EXPECT_EQ(metric(port, R"(casewatch_config_reload_restart_required_total{key="shard"})"), 1);
  app.requestStop();
  runner.join();
}

TEST(AppTest, AStartThatCannotUseItsDataDirSaysWhichKey) {
  TempDir tmp;
  const std::string file = tmp.path() + "/not-a-dir";
  writeFile(file, "x");
  App app(optionsFor(baseSets(file + "/data")));
  absl::Status s = app.start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("data_dir"), std::string::npos) << s.message();
}

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(AppTest, DemoModeMakesAPrivateDataDirAndPinsTheKey) {
  TempDir tmp;
  const std::string data = tmp.path() + "/data";
  auto sets = baseSets(data);
  sets.push_back("pseudonym.key_env=CASEWATCH_APP_TEST_KEY");
  ::unsetenv("CASEWATCH_APP_TEST_KEY");
  {
    App app(optionsFor(sets));  // demo mode: the built-in key, as before
    ASSERT_TRUE(app.start().ok());
    app.requestStop();
    EXPECT_EQ(app.run(), 0);
  }
  EXPECT_EQ(modeOf(data), 0700u);
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data)) {
    const std::string p = e.path().string();
    EXPECT_EQ(modeOf(p), e.is_directory() ? 0700u : 0600u) << p;
    if (!e.is_directory()) ++files;
  }
  EXPECT_GE(files, 3u);  // the store, published.pos, the fingerprint (and journal segments)
  EXPECT_TRUE(std::filesystem::exists(data + "/casewatch.db"));
  EXPECT_TRUE(std::filesystem::exists(data + "/pseudonym_key.fingerprint"));

  {
    App again(optionsFor(sets));  // the same (demo) key: accepted
    ASSERT_TRUE(again.start().ok());
    again.requestStop();
    EXPECT_EQ(again.run(), 0);
  }
  ::setenv("CASEWATCH_APP_TEST_KEY", "a-different-real-secret-0123456789", 1);
  App other(optionsFor(sets));
  absl::Status s = other.start();
  ::unsetenv("CASEWATCH_APP_TEST_KEY");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("is not the key this data directory was made with"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace casewatch
