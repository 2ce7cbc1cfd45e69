// The HTTP API v1 end to end in-process: a real HttpServer on 127.0.0.1:0 (its own io_context
// thread), a real SQLite store in a temp dir, and the fake AlertOperations. Every route is tried
// with every role and with a missing, malformed and unknown token; bad parameters and bodies and
// unknown ids are refused with the contract's codes — and after every refusal the test checks that
// nothing changed.
#include "daemon/http/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <future>
#include <thread>

#include "alerts/alert_json.h"
#include "daemon/store/sqlite_alert_store.h"
#include "tests/daemon/http/http_test_client.h"
#include "tests/fakes/eventually.h"
#include "tests/fakes/fake_alert_operations.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using testing::FakeAlertOperations;
using ::testing::HasSubstr;
using testing::HttpReply;
using testing::httpRequest;
using testing::HttpTestConnection;
using ::testing::IsEmpty;
using testing::TempDir;
using Json = nlohmann::json;

constexpr TimeMs kNow = 1772589600000;  // 2026-03-04T10:00:00+08:00
constexpr char kViewer[] = "viewer-secret-1";
constexpr char kDuty[] = "duty-secret-2";
constexpr char kLeader[] = "leader-secret-3";
constexpr char kRed[] = "aaaaaaaaaaaaaaa1";
constexpr char kYellow[] = "aaaaaaaaaaaaaaa2";
constexpr char kAcked[] = "aaaaaaaaaaaaaaa3";
constexpr char kUnknownId[] = "ffffffffffffffff";
constexpr size_t kMaxBody = 64 * 1024;

Alert makeAlert(const std::string& id, Tier tier, TimeMs updated, const std::string& region) {
  Alert a;
  a.alert_id = id;
  a.model = "overdue";
  a.tier = tier;
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = "C-" + id.substr(13);
  a.score = 0.9;
  a.region = region;
  a.agency = "huichuan-hrss";
  a.category = "wage_arrears";
  a.starts_at = updated - kMsPerDay;
  a.updated_at = updated;
  a.reasons.push_back(
      AlertReason{"days_overdue", 12, "", {{"en", "12 days overdue"}, {"zh-CN", "逾期12天"}}});
  a.actions = {Action::kReplyNow};
  a.summary.set("en", "Case overdue");
  a.summary.set("zh-CN", "案件逾期");
  return a;
}

std::string silenceBody(const std::string& ends_at = "2026-03-05T10:00:00+08:00") {
  return R"({"matchers":[{"name":"subject_id","value":"C-001","is_regex":false}],"ends_at":")" +
         ends_at + R"(","comment":"known, handled by phone"})";
}

class HttpServerTest : public ::testing::Test {
 protected:
  // A fixture that tests the limits sets them here.
  virtual void tune(HttpServerOptions&) {}

  void SetUp() override {
    auto store = SqliteAlertStore::open(tmp_.path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    seed();
    HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    o.max_body_bytes = kMaxBody;
    o.now = [] { return kNow; };
    o.json = AlertJsonOptions{"en", 480};
    o.readiness = [this] { return ops_.readiness(); };
    tune(o);
    ApiAuth auth({{"vera", ApiRole::kViewer, kViewer},
                  {"duty:li", ApiRole::kDutyOfficer, kDuty},
                  {"chief:wang", ApiRole::kLeader, kLeader}});
    auto server = HttpServer::start(io_, o, ops_, *store_, std::move(auth));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    port_ = server_->port();
    ASSERT_NE(port_, 0);
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) onIo([this] { server_->stop(); });
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    if (store_) store_->close();
  }

  // The fake's state before every request of a matrix: three active alerts and one silence.
  void seed() {
    ops_.clear();
    ops_.setNow(kNow);
    ops_.addAlert(makeAlert(kYellow, Tier::kYellow, kNow - 3 * kMsPerHour, "520302"));
    ops_.addAlert(makeAlert(kRed, Tier::kRed, kNow - 1 * kMsPerHour, "520302"));
    Alert acked = makeAlert(kAcked, Tier::kOrange, kNow - 2 * kMsPerHour, "520303");
    acked.status = AlertStatus::kAcknowledged;
    acked.ack = AlertAck{"duty:zhao", kNow - 90 * kMsPerMinute, "calling the agency"};
    ops_.addAlert(acked);
    Silence s;
    s.id = "s-existing";
    s.matchers = {{"region", "520399", false}};
    s.starts_at = kNow - kMsPerHour;
    s.ends_at = kNow + kMsPerHour;
    s.created_by = "duty:zhao";
    s.comment = "drill";
    ops_.addSilenceForTest(s);
    LedgerEntry e;
    e.case_id = "C-KEY-1";
    e.region = "520302";
    e.reasons = {"group_incident"};
    e.owner = "chief:wang";
    e.since = kNow - 5 * kMsPerDay;
    ops_.addLedgerEntry(e);
  }

  // What a refused request must leave as it was.
  struct Snapshot {
    std::vector<std::string> changes;
    std::string alerts;
    size_t silences = 0;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot snapshot() const {
    Snapshot s;
    s.changes = ops_.changes();
    for (const Alert& a : ops_.allAlerts()) s.alerts += alertToJson(a, {}) + "\n";
    for (const Silence& x : ops_.allSilences()) s.silences += x.expired_at == 0 ? 1 : 100;
    return s;
  }

  void onIo(std::function<void()> fn) {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  void recordInStore(const Alert& a, const std::string& action, const std::string& actor,
                     const std::string& note, TimeMs at) {
    AlertRecord r;
    r.alert_id = a.alert_id;
    r.model = a.model;
    r.status = std::string(alertStatusName(a.status));
    r.tier = std::string(tierName(a.tier));
    r.subject_kind = std::string(subjectKindName(a.subject_kind));
    r.subject_id = a.subject_id;
    r.region = a.region;
    r.agency = a.agency;
    r.starts_at = formatRfc3339(a.starts_at, 480);
    r.updated_at = formatRfc3339(a.updated_at, 480);
    r.json = alertToJson(a, {"en", 480});
    r.actor = actor;
    r.action = action;
    r.note = note;
    r.at = at;
    store_->recordAlertChanges({r}, nullptr);
    store_->flush();
  }

  HttpReply get(const std::string& target, const std::string& token = kViewer) {
    return httpRequest(port_, "GET", target, token);
  }
  HttpReply post(const std::string& target, const std::string& body,
                 const std::string& token = kDuty) {
    return httpRequest(port_, "POST", target, token, body);
  }

  TempDir tmp_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::unique_ptr<SqliteAlertStore> store_;
  FakeAlertOperations ops_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

// --- every route x every caller ---

struct RouteCase {
  std::string method;
  std::string target;
  std::string body;
  bool acts;               // needs duty_officer or leader (else any role)
  int ok_status;           // what an allowed caller gets
  bool duty_only = false;  // reads, but needs duty_officer or leader (the dead letters)
};

std::vector<RouteCase> apiRoutes() {
  const std::string alert = std::string("/api/v1/alerts/") + kRed;
  const std::string acked = std::string("/api/v1/alerts/") + kAcked;
  return {
      {"GET", "/api/v1/alerts", "", false, 200},
      {"GET", "/api/v1/alerts?tier=red&status=firing", "", false, 200},
      {"GET", "/api/v1/alerts?status=resolved", "", false, 200},
      {"GET", alert, "", false, 200},
      {"POST", alert + "/ack", R"({"note":"on it"})", true, 200},
      {"POST", acked + "/unack", "", true, 200},
      {"POST", alert + "/resolve", R"({"note":"replied by phone"})", true, 200},
      {"GET", "/api/v1/silences", "", false, 200},
      {"POST", "/api/v1/silences", silenceBody(), true, 201},
      {"DELETE", "/api/v1/silences/s-existing", "", true, 200},
      {"GET", "/api/v1/ledger", "", false, 200},
      {"GET", "/api/v1/dead-letters?limit=5", "", false, 200, true},
      {"GET", "/api/v1/whoami", "", false, 200},
      {"GET", "/api/v1/components", "", false, 200},
  };
}

TEST_F(HttpServerTest, EveryRouteWithEveryCaller) {
  struct Caller {
    std::string label;
    std::string authorization;  // the whole header line, or "" for none
    int role;                   // -1 = refused (401), 0 viewer, 1 duty, 2 leader
  };
  const std::vector<Caller> callers = {
      {"no token", "", -1},
      {"unknown token", "Authorization: Bearer not-a-known-token\r\n", -1},
      {"empty bearer", "Authorization: Bearer \r\n", -1},
      {"basic scheme", std::string("Authorization: Basic ") + kViewer + "\r\n", -1},
      {"token without scheme", std::string("Authorization: ") + kLeader + "\r\n", -1},
      {"viewer", std::string("Authorization: Bearer ") + kViewer + "\r\n", 0},
      {"duty_officer", std::string("Authorization: Bearer ") + kDuty + "\r\n", 1},
      {"leader", std::string("authorization: bearer ") + kLeader + "\r\n", 2},
  };
  for (const RouteCase& rc : apiRoutes()) {
    for (const Caller& caller : callers) {
      SCOPED_TRACE(rc.method + " " + rc.target + " as " + caller.label);
      seed();
      const Snapshot before = snapshot();
      const HttpReply r =
          httpRequest(port_, rc.method, rc.target, "", rc.body, caller.authorization);
      int want = rc.ok_status;
      if (caller.role < 0) want = 401;
      if (caller.role == 0 && (rc.acts || rc.duty_only)) want = 403;
      EXPECT_EQ(r.status, want) << r.body;
      EXPECT_EQ(r.header("content-type"), "application/json");
      if (want >= 400) {
        EXPECT_TRUE(r.json().is_object() && r.json().contains("error")) << r.body;
        EXPECT_TRUE(snapshot() == before) << "a refused request changed something";
      }
      if (want == 401) {
        EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"casewatch\"");
      }
      if (want == 403) {
        EXPECT_THAT(r.body, HasSubstr("viewer"));
      }
      if (want < 300 && rc.acts) {
        // The change was made once, by the token's name.
        const std::vector<std::string> changes = ops_.changes();
        ASSERT_EQ(changes.size(), 1u);
        EXPECT_THAT(changes[0], HasSubstr(caller.role == 1 ? "by=duty:li" : "by=chief:wang"));
      }
    }
  }
}

TEST_F(HttpServerTest, WhoAmI) {
  HttpReply r = get("/api/v1/whoami", kDuty);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["name"], "duty:li");
  EXPECT_EQ(r.json()["role"], "duty_officer");
  EXPECT_EQ(r.json()["may_act"], true);
  EXPECT_EQ(r.json()["may_read_dead_letters"], true);
  r = get("/api/v1/whoami", kViewer);
  EXPECT_EQ(r.json()["role"], "viewer");
  EXPECT_EQ(r.json()["may_act"], false);
  EXPECT_EQ(r.json()["may_read_dead_letters"], false);
}

TEST_F(HttpServerTest, EventStreamNeedsAToken) {
  EXPECT_EQ(get("/api/v1/events", "").status, 401);
  EXPECT_EQ(get("/api/v1/events", "wrong").status, 401);
  for (const char* token : {kViewer, kDuty, kLeader}) {
    HttpTestConnection c(port_);
    ASSERT_TRUE(c.sendRaw(testing::buildRequest("GET", "/api/v1/events", token)));
    ASSERT_TRUE(c.readUntil("retry: 2000\n\n")) << c.received();
    EXPECT_THAT(c.received(), HasSubstr("HTTP/1.1 200 OK"));
    EXPECT_THAT(c.received(), HasSubstr("Content-Type: text/event-stream"));
  }
}

TEST_F(HttpServerTest, OpenRoutesNeedNoToken) {
  for (const std::string& token : {std::string(), std::string("garbage"), std::string(kViewer)}) {
    const HttpReply health = get("/healthz", token);
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.json()["status"], "ok");
    EXPECT_EQ(get("/readyz", token).status, 200);
    const HttpReply page = get("/", token);
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_THAT(page.body, HasSubstr("<html"));
    EXPECT_THAT(page.header("content-security-policy"), HasSubstr("default-src 'self'"));
  }
  const HttpReply js = get("/console.js", "");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/console.css", "").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(get("/index.html", "").status, 200);
  EXPECT_EQ(get("/nothing-here.js", "").status, 404);
  ops_.setReady(false);
  const HttpReply ready = get("/readyz", "");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json()["ready"], false);
}

// --- listing and reading alerts ---

TEST_F(HttpServerTest, ActiveAlertsNewestFirstWithFilters) {
  HttpReply r = get("/api/v1/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> ids;
  const Json body = r.json();  // (a range-for over r.json()["alerts"] would dangle before C++23)
  for (const Json& a : body["alerts"]) ids.push_back(a["alert_id"]);
  EXPECT_THAT(ids, ElementsAre(kRed, kAcked, kYellow));  // by updated_at, newest first
  const Json first = r.json()["alerts"][0];
  EXPECT_EQ(first["v"], 1);
  EXPECT_EQ(first["tier"], "red");
  EXPECT_EQ(first["reasons"][0]["code"], "days_overdue");
  EXPECT_EQ(first["summary"]["zh-CN"], "案件逾期");

  auto idsOf = [&](const std::string& query) {
    const HttpReply x = get("/api/v1/alerts" + query);
    EXPECT_EQ(x.status, 200) << query << ": " << x.body;
    std::vector<std::string> out;
    const Json body = x.json();
    for (const Json& a : body["alerts"]) out.push_back(a["alert_id"]);
    return out;
  };
  EXPECT_THAT(idsOf("?tier=red"), ElementsAre(kRed));
  EXPECT_THAT(idsOf("?status=acknowledged"), ElementsAre(kAcked));
  EXPECT_THAT(idsOf("?status=firing&region=520302"), ElementsAre(kRed, kYellow));
  EXPECT_THAT(idsOf("?region=520303"), ElementsAre(kAcked));
  EXPECT_THAT(idsOf("?agency=huichuan-hrss&model=overdue&limit=1"), ElementsAre(kRed));
  EXPECT_THAT(idsOf("?model=repeat_visit"), IsEmpty());
  EXPECT_THAT(idsOf("?tier=&status="), ElementsAre(kRed, kAcked, kYellow));  // empty = any
  EXPECT_THAT(idsOf("?region=5203%30%32"), ElementsAre(kRed, kYellow));      // percent-decoded
}

TEST_F(HttpServerTest, ResolvedAlertsComeFromTheStore) {
  Alert gone = makeAlert("bbbbbbbbbbbbbbb1", Tier::kOrange, kNow - 10 * kMsPerHour, "520302");
  recordInStore(gone, "fired", "casewatch", "", kNow - 11 * kMsPerHour);
  gone.status = AlertStatus::kResolved;
  recordInStore(gone, "resolved", "duty:li", "replied", kNow - 10 * kMsPerHour);
  Alert other = makeAlert("bbbbbbbbbbbbbbb2", Tier::kRed, kNow - 5 * kMsPerHour, "520399");
  other.status = AlertStatus::kResolved;
  recordInStore(other, "resolved", "casewatch", "", kNow - 5 * kMsPerHour);

  HttpReply r = get("/api/v1/alerts?status=resolved");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["alerts"].size(), 2u);
  EXPECT_EQ(r.json()["alerts"][0]["alert_id"], "bbbbbbbbbbbbbbb2");
  EXPECT_EQ(r.json()["alerts"][0]["status"], "resolved");
  r = get("/api/v1/alerts?status=resolved&region=520302");
  ASSERT_EQ(r.json()["alerts"].size(), 1u);
  EXPECT_EQ(r.json()["alerts"][0]["alert_id"], "bbbbbbbbbbbbbbb1");

  // One resolved alert with its history (from the store), oldest change first.
  r = get("/api/v1/alerts/bbbbbbbbbbbbbbb1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["alert"]["status"], "resolved");
  const Json h = r.json()["history"];
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]["change"], "fired");
  EXPECT_EQ(h[1]["change"], "resolved");
  EXPECT_EQ(h[1]["by"], "duty:li");
  EXPECT_EQ(h[1]["note"], "replied");
  EXPECT_EQ(h[1]["at"], "2026-03-04T00:00:00+08:00");
  EXPECT_EQ(h[1]["alert"]["status"], "resolved");
}

TEST_F(HttpServerTest, ActiveAlertIsCurrentEvenBeforeTheStoreHasIt) {
  const HttpReply r = get(std::string("/api/v1/alerts/") + kAcked);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["alert"]["ack"]["by"], "duty:zhao");
  EXPECT_TRUE(r.json()["history"].is_array());
  EXPECT_TRUE(r.json()["history"].empty());
}

// --- acting on alerts ---

TEST_F(HttpServerTest, AcknowledgeRecordsWhoAndNote) {
  HttpReply r =
      post(std::string("/api/v1/alerts/") + kRed + "/ack", R"({"note":"calling 遵义 now"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["alert"]["status"], "acknowledged");
  EXPECT_EQ(r.json()["alert"]["ack"]["by"], "duty:li");
  EXPECT_EQ(r.json()["alert"]["ack"]["note"], "calling 遵义 now");
  EXPECT_THAT(ops_.changes(),
              ElementsAre(std::string("ack ") + kRed + " by=duty:li note=calling 遵义 now"));
  // The list shows it acknowledged.
  r = get("/api/v1/alerts?status=acknowledged");
  EXPECT_EQ(r.json()["alerts"].size(), 2u);
  // A second ack does not apply: 409, nothing changes.
  const Snapshot before = snapshot();
  r = post(std::string("/api/v1/alerts/") + kRed + "/ack", R"({"note":"again"})", kLeader);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_THAT(r.json()["error"].get<std::string>(), HasSubstr("already acknowledged"));
  EXPECT_TRUE(snapshot() == before);
  // Without a body the note is empty.
  r = post(std::string("/api/v1/alerts/") + kYellow + "/ack", "");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["alert"]["ack"]["note"], "");
}

TEST_F(HttpServerTest, UnacknowledgeAndResolve) {
  HttpReply r = post(std::string("/api/v1/alerts/") + kAcked + "/unack", "{}", kLeader);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["alert"]["status"], "firing");
  EXPECT_FALSE(r.json()["alert"].contains("ack"));
  r = post(std::string("/api/v1/alerts/") + kRed + "/resolve", R"({"note":"fixed at source"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["alert"]["status"], "resolved");
  EXPECT_THAT(ops_.changes(),
              ElementsAre(std::string("unack ") + kAcked + " by=chief:wang",
                          std::string("resolve ") + kRed + " by=duty:li note=fixed at source"));
  // The resolved alert has left the active list.
  r = get("/api/v1/alerts");
  EXPECT_EQ(r.json()["alerts"].size(), 2u);
}

TEST_F(HttpServerTest, UnknownIdsAre404AndChangeNothing) {
  const Snapshot before = snapshot();
  const std::string alert = std::string("/api/v1/alerts/") + kUnknownId;
  for (const auto& [method, target, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", alert, ""},
           {"POST", alert + "/ack", R"({"note":"x"})"},
           {"POST", alert + "/unack", ""},
           {"POST", alert + "/resolve", R"({"note":"x"})"},
           {"DELETE", "/api/v1/silences/no-such-silence", ""},
           {"GET", "/api/v1/alerts/%2E%2E%2Fetc", ""}}) {
    SCOPED_TRACE(method + " " + target);
    const HttpReply r = httpRequest(port_, method, target, kLeader, body);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_TRUE(r.json().contains("error")) << r.body;
  }
  EXPECT_TRUE(snapshot() == before);
}

TEST_F(HttpServerTest, BadBodiesAre400NamingTheProblem) {
  const std::string ack = std::string("/api/v1/alerts/") + kRed + "/ack";
  const std::string unack = std::string("/api/v1/alerts/") + kAcked + "/unack";
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {ack, "not json", "body: not valid JSON"},
      {ack, R"({"note": "unterminated)", "body: not valid JSON"},
      {ack, "[1,2]", "expected a JSON object, got array"},
      {ack, R"("a string")", "expected a JSON object, got string"},
      {ack, R"({"note": 5})", "note: expected a string, got number"},
      {ack, R"({"note": null})", "note: expected a string, got null"},
      {ack, R"({"note": "x", "by": "someone else"})", "unknown field \"by\""},
      {ack, "{\"note\": \"\xff\xfe\"}", "body: not valid JSON (or not UTF-8)"},
      {ack, "{\"note\":" + deep + "}", "nested deeper than"},
      {ack, R"({"note": ")" + std::string(10001, 'x') + "\"}", "note: longer than 10000 bytes"},
      {unack, R"({"note": "x"})", "unknown field \"note\""},
      {"/api/v1/silences", "", "body: expected a JSON object, got an empty body"},
      {"/api/v1/silences", R"({"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers: required"},
      {"/api/v1/silences", R"({"matchers":{},"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers: expected an array, got object"},
      {"/api/v1/silences", R"({"matchers":[],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers: at least one matcher is required"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"colour","value":"red"}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers[0].name: expected one of alertname"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red"},{"name":"region"}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers[1].value: required"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red","is_regex":"yes"}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers[0].is_regex: expected true or false"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"subject_id","value":"C-(1","is_regex":true}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers[0].value: not a valid regular expression: missing )"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"subject_id","value":"(((a{100}){100}){100})b","is_regex":true}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers[0].value: not a valid regular expression: "},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"region","value":".*","is_regex":true}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "must not match the empty value"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red","op":"="}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c"})",
       "matchers[0]: unknown field \"op\""},
      {"/api/v1/silences", R"({"matchers":[{"name":"tier","value":"red"}],"comment":"c"})",
       "ends_at: required"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red"}],"ends_at":"tomorrow","comment":"c"})",
       "ends_at: expected an RFC 3339 time"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red"}],"ends_at":"2026-03-04T09:00:00+08:00","comment":"c"})",
       "ends_at: must be after starts_at"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red"}],"starts_at":"2026-03-01T00:00:00+08:00","ends_at":"2026-03-02T00:00:00+08:00","comment":"c"})",
       "ends_at: already past"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red"}],"ends_at":"2026-03-05T10:00:00+08:00"})",
       "comment: required"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red"}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"  "})",
       "comment: required"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"tier","value":"red"}],"ends_at":"2026-03-05T10:00:00+08:00","comment":"c","created_by":"x"})",
       "unknown field \"created_by\""},
  };
  for (const auto& [target, body, message] : cases) {
    SCOPED_TRACE(target + " " + body.substr(0, 120));
    const Snapshot before = snapshot();
    const HttpReply r = post(target, body, kLeader);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_THAT(r.json().value("error", ""), HasSubstr(message)) << r.body;
    EXPECT_TRUE(snapshot() == before) << "a refused request changed something";
  }
  EXPECT_THAT(ops_.changes(), IsEmpty());
}

TEST_F(HttpServerTest, BadParametersAre400NamingTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/api/v1/alerts?tier=purple",
       "tier: expected one of blue, yellow, orange, red; got \"purple\""},
      {"/api/v1/alerts?status=open", "status: expected one of firing"},
      {"/api/v1/alerts?teir=red", "unknown parameter \"teir\""},
      {"/api/v1/alerts?tier=red&tier=blue", "parameter \"tier\" given more than once"},
      {"/api/v1/alerts?limit=0", "limit: expected an integer from 1 to 10000"},
      {"/api/v1/alerts?limit=ten", "limit: expected an integer"},
      {"/api/v1/alerts?region=%zz", "bad percent-encoding"},
      {"/api/v1/dead-letters?limit=-1", "limit: expected an integer from 1 to 10000; got \"-1\""},
      {"/api/v1/dead-letters?limit=10001", "limit: expected an integer from 1 to 10000"},
      {"/api/v1/ledger?all=1", "unknown parameter \"all\" (this route takes none)"},
      {"/api/v1/silences?active=true", "unknown parameter \"active\""},
      {std::string("/api/v1/alerts/") + kRed + "?history=1", "unknown parameter \"history\""},
  };
  for (const auto& [target, message] : cases) {
    SCOPED_TRACE(target);
    const HttpReply r = get(target, kDuty);  // the dead letters need duty_officer
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_THAT(r.json().value("error", ""), HasSubstr(message)) << r.body;
  }
  // A bad parameter on a changing route changes nothing.
  const Snapshot before = snapshot();
  EXPECT_EQ(post(std::string("/api/v1/alerts/") + kRed + "/ack?force=1", "{}").status, 400);
  EXPECT_TRUE(snapshot() == before);
}

TEST_F(HttpServerTest, UnknownRoutesAndMethods) {
  EXPECT_EQ(get("/api/v1/nothing").status, 404);
  EXPECT_EQ(get("/api/v2/alerts").status, 404);
  EXPECT_EQ(get("/api/v1/alerts/").status, 404);
  EXPECT_EQ(get(std::string("/api/v1/alerts/") + kRed + "/ack/more").status, 404);
  const Snapshot before = snapshot();
  HttpReply r = httpRequest(port_, "PUT", "/api/v1/alerts", kLeader, "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET");
  r = httpRequest(port_, "GET", std::string("/api/v1/alerts/") + kRed + "/ack", kLeader);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST");
  r = httpRequest(port_, "DELETE", "/api/v1/silences", kLeader);
  EXPECT_EQ(r.header("allow"), "GET, POST");
  EXPECT_TRUE(snapshot() == before);
}

// --- silences, ledger, dead letters ---

TEST_F(HttpServerTest, SilenceLifecycle) {
  HttpReply r = post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"subject_kind","value":"case"},{"name":"subject_id","value":"C-0+","is_regex":true}],)"
      R"("ends_at":"2026-03-04T12:00:00+08:00","comment":"handled by phone"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const Json s = r.json()["silence"];
  const std::string id = s["id"];
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(s["created_by"], "duty:li");
  EXPECT_EQ(s["status"], "active");
  EXPECT_EQ(s["starts_at"], "2026-03-04T10:00:00+08:00");  // now, on the daemon's clock
  EXPECT_EQ(s["ends_at"], "2026-03-04T12:00:00+08:00");
  EXPECT_EQ(s["matchers"][1]["is_regex"], true);
  EXPECT_EQ(s["comment"], "handled by phone");

  r = get("/api/v1/silences");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json()["silences"].size(), 2u);
  EXPECT_EQ(r.json()["silences"][1]["id"], id);

  r = httpRequest(port_, "DELETE", "/api/v1/silences/" + id, kLeader);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["silence"]["status"], "expired");
  EXPECT_EQ(r.json()["silence"]["expired_by"], "chief:wang");
  // Expiring it again does not apply.
  const Snapshot before = snapshot();
  r = httpRequest(port_, "DELETE", "/api/v1/silences/" + id, kLeader);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_TRUE(snapshot() == before);
}

TEST_F(HttpServerTest, LedgerAndDeadLetters) {
  HttpReply r = get("/api/v1/ledger");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["ledger"].size(), 1u);
  EXPECT_EQ(r.json()["ledger"][0]["case_id"], "C-KEY-1");
  EXPECT_EQ(r.json()["ledger"][0]["owner"], "chief:wang");
  EXPECT_EQ(r.json()["ledger"][0]["reasons"][0], "group_incident");
  EXPECT_EQ(r.json()["ledger"][0]["since"], "2026-02-27T10:00:00+08:00");
  EXPECT_EQ(r.json()["ledger"][0]["last_activity"], "");

  std::vector<DeadLetter> letters;
  for (int i = 0; i < 3; ++i) {
    DeadLetter d;
    d.received_at = kNow + i;
    d.feed = "f1";
    d.reason = "invalid_json";
    d.detail = "line " + std::to_string(i);
    d.raw = std::string("{\"bad\xff", 6);  // not UTF-8: must still come out as valid JSON
    d.raw_size = 6;
    letters.push_back(d);
  }
  store_->addDeadLetters(letters);
  store_->flush();
  r = get("/api/v1/dead-letters");
  EXPECT_EQ(r.status, 403) << r.body;  // not for viewers
  EXPECT_THAT(r.json().value("error", ""), HasSubstr("duty_officer")) << r.body;
  r = get("/api/v1/dead-letters", kDuty);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(r.json().is_discarded()) << r.body;
  ASSERT_EQ(r.json()["dead_letters"].size(), 3u);
  EXPECT_EQ(r.json()["dead_letters"][0]["detail"], "line 2");  // newest first
  EXPECT_EQ(r.json()["dead_letters"][0]["reason"], "invalid_json");
  EXPECT_EQ(r.json()["dead_letters"][0]["raw_size"], 6);
  r = get("/api/v1/dead-letters?limit=1", kDuty);
  EXPECT_EQ(r.json()["dead_letters"].size(), 1u);
}

// --- the wire ---

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpTestConnection c(port_);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.sendRaw(testing::buildRequest("GET", "/api/v1/alerts", kViewer, "", true)));
    const HttpReply r = c.readReply();
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.json()["alerts"].size(), 3u);
  }
  // Pipelined: both answered, in order.
  ASSERT_TRUE(c.sendRaw(testing::buildRequest("GET", "/healthz", "", "", true) +
                        testing::buildRequest("GET", "/api/v1/ledger", kViewer, "", true)));
  EXPECT_EQ(c.readReply().json()["status"], "ok");
  EXPECT_EQ(c.readReply().json()["ledger"].size(), 1u);
}

TEST_F(HttpServerTest, OversizedAndMalformedRequests) {
  const Snapshot before = snapshot();
  std::string big = R"({"note":")" + std::string(kMaxBody, 'x') + "\"}";
  HttpReply r = post(std::string("/api/v1/alerts/") + kRed + "/ack", big);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  EXPECT_THAT(r.json().value("error", ""), HasSubstr("larger than 65536 bytes"));
  // Exactly at the limit is read (and refused for its note's length, not its size).
  std::string fits = R"({"note":")" + std::string(kMaxBody - 11, 'x') + "\"}";
  ASSERT_EQ(fits.size(), kMaxBody);
  r = post(std::string("/api/v1/alerts/") + kRed + "/ack", fits);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.json().value("error", ""), HasSubstr("note: longer than"));
  {
    HttpTestConnection c(port_);
    ASSERT_TRUE(c.sendRaw("THIS IS NOT HTTP\r\n\r\n"));
    EXPECT_EQ(c.readReply().status, 400);
  }
  {
    HttpTestConnection c(port_);
    ASSERT_TRUE(
        c.sendRaw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
    EXPECT_EQ(c.readReply().status, 431);
  }
  {
    // Expect: 100-continue is honoured.
    HttpTestConnection c(port_);
    const std::string body = R"({"note":"after continue"})";
    ASSERT_TRUE(c.sendRaw("POST /api/v1/alerts/" + std::string(kYellow) +
                          "/ack HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kDuty +
                          "\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
    ASSERT_TRUE(c.readUntil("100 Continue\r\n\r\n"));
    ASSERT_TRUE(c.sendRaw(body));
    const HttpReply reply = c.readReply();
    EXPECT_EQ(reply.status, 200) << reply.body;
  }
  EXPECT_THAT(ops_.changes(),
              ElementsAre(std::string("ack ") + kYellow + " by=duty:li note=after continue"));
  (void)before;
  // The server is still serving.
  EXPECT_EQ(get("/healthz", "").status, 200);
}

// --- live updates ---

TEST_F(HttpServerTest, EventStreamCarriesPublishedChanges) {
  HttpTestConnection c(port_);
  ASSERT_TRUE(c.sendRaw(testing::buildRequest("GET", "/api/v1/events", kViewer)));
  ASSERT_TRUE(c.readUntil("retry: 2000\n\n")) << c.received();
  size_t streams = 0;
  onIo([&] { streams = server_->eventStreamsForTest(); });
  ASSERT_EQ(streams, 1u);

  std::unique_ptr<Sink> sink = server_->eventSink();
  EXPECT_EQ(sink->name(), "sse");
  AlertChange change;
  change.alert = makeAlert(kRed, Tier::kRed, kNow, "520302");
  change.alert.status = AlertStatus::kAcknowledged;
  change.alert.ack = AlertAck{"duty:li", kNow, "line one\nline two"};
  change.kind = ChangeKind::kAcknowledged;
  change.actor = "duty:li";
  change.note = "line one\nline two";
  change.at = kNow;
  SinkOutcome outcome{};
  onIo([&] { outcome = sink->deliver(change); });
  EXPECT_EQ(outcome, SinkOutcome::kDelivered);
  ASSERT_TRUE(c.readUntil("}\n\n")) << c.received();
  const std::string& text = c.received();
  const size_t data = text.find("event: change\ndata: ");
  ASSERT_NE(data, std::string::npos) << text;
  EXPECT_THAT(text, HasSubstr("id: 1\n"));
  const size_t start = data + std::string("event: change\ndata: ").size();
  const Json event =
      Json::parse(text.substr(start, text.find("\n\n", start) - start), nullptr, false);
  ASSERT_FALSE(event.is_discarded()) << text;
  EXPECT_EQ(event["change"], "acknowledged");
  EXPECT_EQ(event["by"], "duty:li");
  EXPECT_EQ(event["note"], "line one\nline two");  // escaped: the data field stays on one line
  EXPECT_EQ(event["alert"]["alert_id"], kRed);
  EXPECT_EQ(event["alert"]["ack"]["by"], "duty:li");
}

TEST_F(HttpServerTest, StopClosesConnectionsAndRefusesNewOnes) {
  HttpTestConnection stream(port_);
  ASSERT_TRUE(stream.sendRaw(testing::buildRequest("GET", "/api/v1/events", kViewer)));
  ASSERT_TRUE(stream.readUntil("retry: 2000\n\n"));
  HttpTestConnection idle(port_);
  ASSERT_TRUE(idle.sendRaw(testing::buildRequest("GET", "/healthz", "", "", true)));
  EXPECT_EQ(idle.readReply().status, 200);
  onIo([&] { server_->stop(); });
  EXPECT_TRUE(stream.closedByPeer());
  EXPECT_TRUE(idle.closedByPeer());
  EXPECT_THROW(HttpTestConnection late(port_), std::runtime_error);
}

// --- limits: one client cannot starve the others ---

class HttpServerLimitsTest : public HttpServerTest {
 protected:
  void tune(HttpServerOptions& o) override {
    o.max_connections = 8;
    o.max_connections_per_client = 4;
    o.max_event_streams = 2;
    o.max_event_streams_per_client = 1;
    o.header_timeout = std::chrono::seconds(1);
  }
  // A keep-alive connection from `source` that the server has accepted and counted (it answered).
  std::unique_ptr<HttpTestConnection> held(const char* source) {
    auto c = std::make_unique<HttpTestConnection>(port_, 20, source);
    EXPECT_TRUE(c->sendRaw(testing::buildRequest("GET", "/healthz", "", "", true)));
    EXPECT_EQ(c->readReply().status, 200);
    return c;
  }
  // One request on a fresh connection from `source`.
  HttpReply once(const char* source, const std::string& target, const std::string& token = "") {
    HttpTestConnection c(port_, 20, source);
    EXPECT_TRUE(c.sendRaw(testing::buildRequest("GET", target, token)));
    return c.readReply();
  }
};

TEST_F(HttpServerLimitsTest, OneClientHoldingItsConnectionsStopsNeitherAnotherNorHealthz) {
  std::vector<std::unique_ptr<HttpTestConnection>> hog;
  for (int i = 0; i < 4; ++i) hog.push_back(held("127.0.0.2"));
  // Over its own cap: a probe slot (two per address), answering /healthz and /readyz only.
  EXPECT_EQ(once("127.0.0.2", "/healthz").status, 200);
  const HttpReply refused = once("127.0.0.2", "/api/v1/alerts", kViewer);
  EXPECT_EQ(refused.status, 503);
  EXPECT_THAT(refused.json().value("error", ""), HasSubstr("too many connections"));
  // Another client is served as usual.
  EXPECT_EQ(once("127.0.0.1", "/api/v1/alerts", kViewer).status, 200);

  // Every connection taken (4 + 4 from two addresses): a third address still gets /healthz.
  for (int i = 0; i < 4; ++i) hog.push_back(held("127.0.0.3"));
  EXPECT_EQ(once("127.0.0.1", "/readyz").status, 200);
  EXPECT_EQ(once("127.0.0.1", "/api/v1/alerts", kViewer).status, 503);
  // Once the hog lets go (the server sees the closes in its own time), the slots are free again.
  hog.clear();
  EXPECT_TRUE(testing::eventually(
      [&] { return once("127.0.0.1", "/api/v1/alerts", kViewer).status == 200; }));
}

TEST_F(HttpServerLimitsTest, ARefusedTokenIsAnsweredBeforeTheBodyIsSent) {
  const Snapshot before = snapshot();
  for (const std::string& token :
       {std::string(), std::string("not-a-token"), std::string(kViewer)}) {
    HttpTestConnection c(port_);
    // Headers announcing a large body (within max_body_bytes), and not a byte of the body: the
    // answer can only come from the headers.
    ASSERT_TRUE(c.sendRaw(
        "POST /api/v1/alerts/" + std::string(kRed) + "/ack HTTP/1.1\r\nHost: x\r\n" +
        (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") +
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(kMaxBody - 1) +
        "\r\n\r\n"));
    const HttpReply r = c.readReply();
    EXPECT_EQ(r.status, token == kViewer ? 403 : 401) << token;
    EXPECT_EQ(r.headers.at("connection"), "close");  // the body is never read
  }
  EXPECT_TRUE(snapshot() == before);
}

TEST_F(HttpServerLimitsTest, EventStreamsAreCappedPerClientAndInAll) {
  auto open = [&](const char* source) {
    auto c = std::make_unique<HttpTestConnection>(port_, 20, source);
    EXPECT_TRUE(c->sendRaw(testing::buildRequest("GET", "/api/v1/events", kViewer)));
    return c;
  };
  auto first = open("127.0.0.1");
  ASSERT_TRUE(first->readUntil("retry: 2000\n\n"));
  const HttpReply second = open("127.0.0.1")->readReply();
  EXPECT_EQ(second.status, 429);
  EXPECT_THAT(second.json().value("error", ""), HasSubstr("too many event streams"));
  auto other = open("127.0.0.2");
  ASSERT_TRUE(other->readUntil("retry: 2000\n\n"));
  EXPECT_EQ(open("127.0.0.3")->readReply().status, 429);  // two in all
  // Ordinary requests are not affected.
  EXPECT_EQ(get("/api/v1/alerts").status, 200);
}

TEST_F(HttpServerLimitsTest, HeadersTrickledPastTheHeaderTimeoutEndTheConnection) {
  HttpTestConnection c(port_);
  ASSERT_TRUE(c.sendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // and never the blank line
  // idle_timeout is 60 s and the test client waits 20 s: only the header timeout can close it.
  EXPECT_TRUE(c.closedByPeer());
}

TEST(HttpServerStartTest, BadListenAddressIsAnErrorNamingTheKey) {
  TempDir tmp;
  auto store = SqliteAlertStore::open(tmp.path());
  ASSERT_TRUE(store.ok());
  boost::asio::io_context io;
  FakeAlertOperations ops;
  HttpServerOptions o;
  o.listen = "192.0.2.1:80";  // TEST-NET-1: not an address of this machine
  auto s = HttpServer::start(io, o, ops, **store, ApiAuth());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("http.listen: cannot listen on"));
  // A port in use.
  o.listen = "127.0.0.1:0";
  auto first = HttpServer::start(io, o, ops, **store, ApiAuth());
  ASSERT_TRUE(first.ok());
  o.listen = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = HttpServer::start(io, o, ops, **store, ApiAuth());
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("http.listen: cannot listen on"));
}

TEST(HttpServerStartTest, NoTokensMeansEveryAuthenticatedRouteIs401) {
  TempDir tmp;
  auto store = SqliteAlertStore::open(tmp.path());
  ASSERT_TRUE(store.ok());
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  FakeAlertOperations ops;
  ops.addAlert(makeAlert(kRed, Tier::kRed, kNow, "520302"));
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  auto server = HttpServer::start(io, o, ops, **store, *ApiAuth::fromConfig(AuthConfig{}, false));
  ASSERT_TRUE(server.ok());
  std::thread t([&] { io.run(); });
  const uint16_t port = (*server)->port();
  for (const RouteCase& rc : apiRoutes()) {
    for (const std::string token : {"", "demo-leader-token", "anything"}) {
      EXPECT_EQ(httpRequest(port, rc.method, rc.target, token, rc.body).status, 401) << rc.target;
    }
  }
  EXPECT_EQ(httpRequest(port, "GET", "/healthz").status, 200);
  EXPECT_THAT(ops.changes(), IsEmpty());
  std::promise<void> stopped;
  boost::asio::post(io, [&] {
    (*server)->stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  work.reset();
  io.stop();
  t.join();
}

}  // namespace
}  // namespace casewatch
