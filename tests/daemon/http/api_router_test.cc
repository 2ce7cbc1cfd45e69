// The route table and the request handling of the HTTP API, in-process and with no socket: each
// request goes straight to ApiRouter::handle with the fake AlertOperations; store reads are not
// reached (the store is null and no route here reads it). The wire format is http_server_test's.
#include "daemon/http/api_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "daemon/components.h"
#include "tests/fakes/fake_alert_operations.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using testing::FakeAlertOperations;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Json = nlohmann::json;

constexpr TimeMs kNow = 1772589600000;  // 2026-03-04T10:00:00+08:00
constexpr char kViewer[] = "Bearer viewer-secret";
constexpr char kDuty[] = "Bearer duty-secret";
constexpr char kAlertId[] = "aaaaaaaaaaaaaaa1";

std::string header(const ApiResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class ApiRouterTest : public ::testing::Test {
 protected:
  ApiRouterTest()
      : auth_({{"vera", ApiRole::kViewer, "viewer-secret"},
               {"duty:li", ApiRole::kDutyOfficer, "duty-secret"}}) {
    ops_.setNow(kNow);
    Alert a;
    a.alert_id = kAlertId;
    a.model = "overdue";
    a.tier = Tier::kRed;
    a.subject_kind = SubjectKind::kCase;
    a.subject_id = "C-1";
    a.starts_at = kNow - kMsPerHour;
    a.updated_at = kNow - kMsPerHour;
    ops_.addAlert(a);
    ApiRouterOptions o;
    o.ops = &ops_;
    o.auth = &auth_;
    o.now = [] { return kNow; };
    o.json = AlertJsonOptions{"en", 480};
    // Nothing here reads the store: a task handed off would be a routing bug.
    o.offload = [](std::function<void()>) { ADD_FAILURE() << "unexpected store read"; };
    o.post = [](std::function<void()> task) { task(); };
    o.readiness = [this] { return ops_.readiness(); };
    router_.emplace(std::move(o));
  }

  // The one answer to a request (a test failure when there is none or more than one).
  ApiResponse call(std::string method, std::string target, std::string authorization = "",
                   std::string body = "") {
    int answers = 0;
    ApiResponse out;
    router_->handle(
        ApiRequest{std::move(method), std::move(target), std::move(authorization), std::move(body)},
        [&](ApiResponse r) {
          ++answers;
          out = std::move(r);
        });
    EXPECT_EQ(answers, 1);
    return out;
  }

  FakeAlertOperations ops_;
  ApiAuth auth_;
  std::optional<ApiRouter> router_;
};

TEST_F(ApiRouterTest, ProbesNeedNoToken) {
  const ApiResponse health = call("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.route, "healthz");
  EXPECT_EQ(Json::parse(health.body)["status"], "ok");

  ops_.setReady(false);
  const ApiResponse ready = call("GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.route, "readyz");
  EXPECT_EQ(Json::parse(ready.body)["ready"], false);
  EXPECT_EQ(Json::parse(ready.body)["reasons"],
            Json::array({"feed f1: not connected to tcp://127.0.0.1:1"}));
  ops_.setReady(true);
  EXPECT_EQ(call("GET", "/readyz").body, R"({"ready":true})");
}

TEST_F(ApiRouterTest, UnknownPathsAreNotFound) {
  for (const char* target : {"/api/v1/", "/api/v1/nothing", "/api/v2/alerts",
                             "/api/v1/alerts/x/frobnicate", "/api/v1/ledger/extra"}) {
    const ApiResponse r = call("GET", target, kViewer);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.route, "unknown") << target;
    EXPECT_THAT(Json::parse(r.body)["error"].get<std::string>(), HasSubstr("no such resource"));
  }
}

TEST_F(ApiRouterTest, AWrongMethodIsRefusedWithAllowBeforeTheTokenIsChecked) {
  const ApiResponse r = call("DELETE", "/api/v1/alerts");  // and no token
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.route, "alerts");
  EXPECT_EQ(header(r, "Allow"), "GET");

  const ApiResponse silences = call("PUT", "/api/v1/silences", kDuty);
  EXPECT_EQ(silences.status, 405);
  EXPECT_EQ(header(silences, "Allow"), "GET, POST");
}

TEST_F(ApiRouterTest, MissingOrUnknownTokensAreUnauthorised) {
  const ApiResponse missing = call("GET", "/api/v1/alerts");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(header(missing, "WWW-Authenticate"), "Bearer realm=\"casewatch\"");
  EXPECT_THAT(Json::parse(missing.body)["error"].get<std::string>(), HasSubstr("missing token"));

  const ApiResponse unknown = call("GET", "/api/v1/alerts", "Bearer nope");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_THAT(Json::parse(unknown.body)["error"].get<std::string>(), HasSubstr("unknown token"));
}

TEST_F(ApiRouterTest, AViewerMayReadButNotAct) {
  EXPECT_EQ(call("GET", "/api/v1/alerts", kViewer).status, 200);
  const ApiResponse r = call("POST", std::string("/api/v1/alerts/") + kAlertId + "/ack", kViewer);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.route, "ack");
  EXPECT_THAT(ops_.changes(), IsEmpty());
}

TEST_F(ApiRouterTest, EachActionRouteReachesItsOperationWithThePercentDecodedId) {
  // %61 is 'a': the id in the path is decoded before it reaches AlertOperations.
  const ApiResponse ack =
      call("POST", "/api/v1/alerts/%61aaaaaaaaaaaaaa1/ack", kDuty, R"({"note":"on it"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.route, "ack");
  EXPECT_EQ(Json::parse(ack.body)["alert"]["alert_id"], kAlertId);

  const ApiResponse unack =
      call("POST", std::string("/api/v1/alerts/") + kAlertId + "/unack", kDuty);
  ASSERT_EQ(unack.status, 200) << unack.body;
  EXPECT_EQ(unack.route, "unack");
  EXPECT_EQ(ops_.changes().size(), 2u);
  EXPECT_EQ(ops_.changes()[0], std::string("ack ") + kAlertId + " by=duty:li note=on it");
}

TEST_F(ApiRouterTest, BadInputIsRefusedAndChangesNothing) {
  const std::string ack = std::string("/api/v1/alerts/") + kAlertId + "/ack";
  EXPECT_EQ(call("POST", ack, kDuty, "{not json").status, 400);
  EXPECT_EQ(call("POST", ack, kDuty, R"({"note":1})").status, 400);
  EXPECT_EQ(call("POST", ack, kDuty, R"({"nope":"x"})").status, 400);
  EXPECT_EQ(call("POST", ack + "?x=1", kDuty).status, 400);
  EXPECT_EQ(call("POST", ack, kDuty, std::string(40, '[') + std::string(40, ']')).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/alerts?limit=0", kViewer).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/alerts?limit=10001", kViewer).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/alerts?tier=purple", kViewer).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/alerts?tier=red&tier=red", kViewer).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/alerts?tier=%zz", kViewer).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/silences", kDuty, R"({"matchers":[]})").status, 400);
  EXPECT_THAT(ops_.changes(), IsEmpty());
  EXPECT_THAT(ops_.allSilences(), IsEmpty());
}

TEST_F(ApiRouterTest, UnknownAlertIsNotFound) {
  const ApiResponse r = call("POST", "/api/v1/alerts/ffffffffffffffff/resolve", kDuty);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.route, "resolve");
}

TEST_F(ApiRouterTest, ListsFilterByTierAndJsonIsNeverCached) {
  const ApiResponse red = call("GET", "/api/v1/alerts?tier=red", kViewer);
  ASSERT_EQ(red.status, 200);
  EXPECT_EQ(header(red, "Cache-Control"), "no-store");
  EXPECT_EQ(Json::parse(red.body)["alerts"].size(), 1u);
  const ApiResponse yellow = call("GET", "/api/v1/alerts?tier=yellow", kViewer);
  EXPECT_EQ(Json::parse(yellow.body)["alerts"].size(), 0u);
}

TEST_F(ApiRouterTest, WhoamiNamesTheCallerAndTheEventStreamOpens) {
  const Json who = Json::parse(call("GET", "/api/v1/whoami", kDuty).body);
  EXPECT_EQ(who["name"], "duty:li");
  EXPECT_EQ(who["role"], "duty_officer");
  EXPECT_EQ(who["may_act"], true);

  const ApiResponse events = call("GET", "/api/v1/events", kViewer);
  EXPECT_EQ(events.status, 200);
  EXPECT_TRUE(events.event_stream);
  EXPECT_EQ(events.content_type, "text/event-stream");
}

TEST_F(ApiRouterTest, ComponentsAnswerTheTablesWithEachModelsLabels) {
  const ApiResponse r = call("GET", "/api/v1/components", kViewer);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.route, "components");
  const Json j = Json::parse(r.body);
  ASSERT_EQ(j["models"].size(), modelComponents().size());
  for (size_t i = 0; i < modelComponents().size(); ++i) {
    const ModelComponent& m = modelComponents()[i];
    const Json& got = j["models"][i];
    EXPECT_EQ(got["name"], m.name);
    EXPECT_EQ(got["alertname"], m.alertname);
    EXPECT_EQ(got["description"], m.description);
    EXPECT_EQ(got["label"]["en"], m.label.en);
    EXPECT_EQ(got["label"]["zh-CN"], m.label.zh_cn);
  }
  EXPECT_EQ(j["models"][0]["name"], "overdue");
  EXPECT_EQ(j["models"][0]["label"], Json({{"en", "Deadline"}, {"zh-CN", "办理时限"}}));
  ASSERT_EQ(j["feeds"].size(), feedComponents().size());
  EXPECT_EQ(j["feeds"][0]["name"], feedComponents()[0].name);
  ASSERT_EQ(j["sinks"].size(), sinkComponents().size());
  EXPECT_EQ(j["sinks"][0]["name"], sinkComponents()[0].name);

  EXPECT_EQ(call("GET", "/api/v1/components").status, 401);
  EXPECT_EQ(call("POST", "/api/v1/components", kDuty).status, 405);
  EXPECT_EQ(call("GET", "/api/v1/components?x=1", kViewer).status, 400);
}

TEST_F(ApiRouterTest, AnEventMessageIsOneSseMessageOfOneJsonLine) {
  AlertChange c;
  c.kind = ChangeKind::kAcknowledged;
  c.actor = "duty:li";
  c.note = "two\nlines";
  c.at = kNow;
  c.alert.alert_id = kAlertId;
  c.alert.model = "overdue";
  c.alert.tier = Tier::kRed;
  const std::string m = router_->eventMessage(c, 7);
  ASSERT_THAT(m, ::testing::StartsWith("id: 7\nevent: change\ndata: "));
  ASSERT_THAT(m, ::testing::EndsWith("\n\n"));
  const std::string data = m.substr(m.find("data: ") + 6, m.size() - m.find("data: ") - 8);
  EXPECT_EQ(data.find('\n'), std::string::npos);
  const Json j = Json::parse(data);
  EXPECT_EQ(j["by"], "duty:li");
  EXPECT_EQ(j["note"], "two\nlines");
  EXPECT_EQ(j["alert"]["alert_id"], kAlertId);
}

TEST(ApiRequestTest, PercentDecodingRefusesBadEscapes) {
  std::string out;
  EXPECT_TRUE(percentDecode("a%20b+c", true, out));
  EXPECT_EQ(out, "a b c");
  EXPECT_TRUE(percentDecode("a+b", false, out));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(percentDecode("%4", false, out));
  EXPECT_FALSE(percentDecode("%zz", false, out));
}

TEST(ApiRequestTest, TheQueryIsSplitAndDecodedInOrder) {
  ApiContext ctx;
  ctx.read(ApiRequest{"GET", "/api/v1/alerts?tier=red&region=52%2003&&model", "", ""},
           [](ApiResponse) {});
  EXPECT_EQ(ctx.path, "/api/v1/alerts");
  EXPECT_THAT(ctx.segments, ElementsAre("api", "v1", "alerts"));
  ASSERT_EQ(ctx.query.size(), 3u);
  EXPECT_EQ(*ctx.param("region"), "52 03");
  EXPECT_EQ(*ctx.param("model"), "");
  EXPECT_EQ(ctx.param("agency"), nullptr);
  EXPECT_TRUE(ctx.query_error.empty());
}

}  // namespace
}  // namespace casewatch
