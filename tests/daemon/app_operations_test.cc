// Durable duty officers' actions (daemon/app_operations.cc), on the real App with its real SQLite
// store: an action is answered only once committed; when the store cannot commit it (its file
// locked by another connection), the answer is 503, nothing changed and nothing was published.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>

#include "daemon/app.h"
#include "daemon/config_loader.h"
#include "tests/daemon/http/http_test_client.h"
#include "tests/fakes/eventually.h"
#include "tests/fakes/sqlite_write_lock.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::eventually;
using testing::httpRequest;
using testing::SqliteWriteLock;
using testing::TempDir;

constexpr char kViewer[] = "demo-viewer-token";
constexpr char kDuty[] = "demo-duty-token";

std::string registered(const std::string& id, const std::string& ts, const std::string& case_id) {
  return R"({"v":1,"event_id":")" + id +
         R"(","source":"app-test","type":"case.registered","ts":")" + ts + R"(","case_id":")" +
         case_id + R"(","persons":["id:)" + id + R"("],"matter":"m:)" + id +
         R"(","region":"520302","agency":"huichuan-hrss",)"
         R"("category":"wage_arrears","channel":"letter","level":"county"})";
}

// Alert changes the sinks took (every sink, every outcome but a retry): what was published.
double published(uint16_t metrics_port) {
  const std::string body = httpRequest(metrics_port, "GET", "/metrics").body;
  double sum = 0;
  size_t at = 0;
  while ((at = body.find("\ncasewatch_sink_changes_total{", at)) != std::string::npos) {
    const size_t end = body.find('\n', at + 1);
    const std::string line = body.substr(at + 1, end - at - 1);
    if (line.find("outcome=\"retried\"") == std::string::npos) {
      sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    at = end;
  }
  return sum;
}

class AppOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string feed = tmp_.path() + "/feed.jsonl";
    // C-1 gets no procedural reply within its deadline: by C-2's registration a month later it is
    // overdue, one alert.
    std::ofstream(feed) << registered("e1", "2026-03-01T09:00:00+08:00", "C-1") << "\n"
                        << registered("e2", "2026-04-01T09:00:00+08:00", "C-2") << "\n";
    std::vector<std::string> sets = {"data_dir=" + tmp_.path() + "/data",
                                     "metrics.listen=127.0.0.1:0",
                                     "http.listen=127.0.0.1:0",
                                     "publish.zmq=",
                                     "print_alerts=false",
                                     "clock=event",
                                     "demo=true",
                                     "store.busy_timeout_ms=0",
                                     "feeds=[{name: in, kind: jsonl, endpoint: \"" + feed + "\"}]"};
    ConfigResult r = loadDefaultConfig(sets);
    ASSERT_TRUE(r.ok()) << r.describe();
    AppOptions o;
    o.config = r.config;
    o.sets = sets;
    o.handle_signals = false;
    app_ = std::make_unique<App>(std::move(o));
    ASSERT_TRUE(app_->start().ok());
    runner_ = std::thread([this] { app_->run(); });
    http_ = app_->httpPort();
    // C-1's overdue alert has fired (a stability alert on its region too), and every change so
    // far is recorded and published.
    ASSERT_TRUE(eventually([&] {
      auto list = httpRequest(http_, "GET", "/api/v1/alerts", kViewer).json();
      if (!list.is_object()) return false;
      for (const auto& a : list["alerts"]) {
        if (a["model"] == "overdue" && a["subject"]["id"] == "C-1") {
          alert_id_ = a["alert_id"].get<std::string>();
        }
      }
      // Two alerts, each with at least one change (the sinks' figures move on the daemon's tick).
      const double sent = published(app_->metricsPort());
      return !alert_id_.empty() && sent >= 2 && sent == recordedChanges();
    }));
  }
  void TearDown() override {
    if (app_) app_->requestStop();
    if (runner_.joinable()) runner_.join();
  }

  nlohmann::json alert() {
    return httpRequest(http_, "GET", "/api/v1/alerts/" + alert_id_, kViewer).json();
  }
  double historySize() {
    auto j = alert();
    return j.is_object() ? static_cast<double>(j["history"].size()) : -1;
  }
  // Every active alert's stored history, added up; -1 while an alert has none yet.
  double recordedChanges() {
    double n = 0;
    const auto list = httpRequest(http_, "GET", "/api/v1/alerts", kViewer).json();
    if (!list.is_object()) return -1;
    for (const auto& a : list["alerts"]) {
      const size_t rows =
          httpRequest(http_, "GET", "/api/v1/alerts/" + a["alert_id"].get<std::string>(), kViewer)
              .json()["history"]
              .size();
      if (rows == 0) return -1;
      n += static_cast<double>(rows);
    }
    return n;
  }
  std::string dbPath() const { return tmp_.path() + "/data/casewatch.db"; }

  TempDir tmp_;
  std::unique_ptr<App> app_;
  std::thread runner_;
  uint16_t http_ = 0;
  std::string alert_id_;
};

TEST_F(AppOperationsTest, AnAckIsAnsweredOnceCommittedWithWhoAndNote) {
  const double before = published(app_->metricsPort());
  auto reply = httpRequest(http_, "POST", "/api/v1/alerts/" + alert_id_ + "/ack", kDuty,
                           R"({"note":"on it"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["alert"]["status"], "acknowledged");
  // Committed before the answer: the stored history already has it.
  auto j = alert();
  const auto& last = j["history"].back();
  EXPECT_EQ(last["change"], "acknowledged");
  EXPECT_EQ(last["by"], "demo-duty");
  EXPECT_EQ(last["note"], "on it");
  EXPECT_EQ(last["alert"]["ack"]["note"], "on it");
  // ... and then published, once.
  EXPECT_TRUE(eventually([&] { return published(app_->metricsPort()) == before + 1; }));
}

TEST_F(AppOperationsTest, WhenTheStoreCannotCommitTheActionsAre503AndChangeAndPublishNothing) {
  // A silence to expire later, made while the store works (201, committed).
  auto made = httpRequest(
      http_, "POST", "/api/v1/silences", kDuty,
      R"({"matchers":[{"name":"region","value":"999999"}],"ends_at":"2027-01-01T00:00:00+08:00","comment":"drill"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string silence_id = made.json()["silence"]["id"].get<std::string>();
  ASSERT_TRUE(eventually([&] { return published(app_->metricsPort()) == recordedChanges(); }));
  const double published_before = published(app_->metricsPort());
  const double history_before = historySize();
  const auto silences_before = httpRequest(http_, "GET", "/api/v1/silences", kViewer).json();

  SqliteWriteLock lock(dbPath());
  ASSERT_TRUE(lock.locked());
  const std::string path = "/api/v1/alerts/" + alert_id_;
  for (
      const auto& [method, target, body] :
      std::vector<std::tuple<std::string, std::string, std::string>>{
          {"POST", path + "/ack", R"({"note":"on it"})"},
          {"POST", path + "/resolve", R"({"note":"done"})"},
          {"POST", "/api/v1/silences",
           R"({"matchers":[{"name":"subject_id","value":"C-1"}],"ends_at":"2027-01-01T00:00:00+08:00","comment":"quiet"})"},
          {"DELETE", "/api/v1/silences/" + silence_id, ""}}) {
    auto reply = httpRequest(http_, method, target, kDuty, body);
    EXPECT_EQ(reply.status, 503) << method << " " << target << ": " << reply.body;
    const std::string error = reply.json().value("error", "");
    EXPECT_NE(error.find("could not be saved, so it was not made"), std::string::npos) << error;
  }
  // Nothing changed: the alert is firing, unacknowledged; the silences are as they were.
  auto j = alert();
  EXPECT_EQ(j["alert"]["status"], "firing");
  EXPECT_FALSE(j["alert"].contains("ack"));
  EXPECT_EQ(httpRequest(http_, "GET", "/api/v1/silences", kViewer).json()["silences"],
            silences_before["silences"]);
  lock.release();
  EXPECT_EQ(historySize(), history_before);
  // Nothing was published, and the store takes the same action once it can.
  EXPECT_EQ(published(app_->metricsPort()), published_before);
  auto retry = httpRequest(http_, "POST", path + "/ack", kDuty, R"({"note":"on it"})");
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(historySize(), history_before + 1);
  // The sinks' figures move on the daemon's tick: once the retried ack shows, exactly it (and
  // none of the refused actions) was published.
  EXPECT_TRUE(eventually([&] { return published(app_->metricsPort()) == published_before + 1; }));
}

}  // namespace
}  // namespace casewatch
