// libFuzzer target for the HTTP API's request path: raw bytes through Beast's request parser
// with the server's limits, then through the route table, auth and handlers (ApiRouter) against
// the in-memory FakeAlertOperations (built by tests/fuzz/CMakeLists.txt in the sanitizer build).
//
// Properties beyond "no crash, no sanitizer report": every parsed request gets exactly one answer
// with a valid status; JSON answers are valid JSON; a request without a known token never changes
// anything (FakeAlertOperations records every change).
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/http/api_router.h"
#include "tests/fakes/fake_alert_operations.h"

namespace {

namespace http = boost::beast::http;
using casewatch::ApiRequest;
using casewatch::ApiResponse;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

constexpr casewatch::TimeMs kNow = 1772589600000;  // 2026-03-04T10:00:00+08:00

struct World {
  casewatch::testing::FakeAlertOperations ops;
  casewatch::ApiAuth auth{std::vector<casewatch::ApiToken>{
      {"vera", casewatch::ApiRole::kViewer, "viewer-secret"},
      {"duty:li", casewatch::ApiRole::kDutyOfficer, "duty-secret"}}};
  std::optional<casewatch::ApiRouter> router;

  World() {
    ops.setNow(kNow);
    casewatch::Alert a;
    a.alert_id = "aaaaaaaaaaaaaaa1";
    a.model = "overdue";
    a.tier = casewatch::Tier::kRed;
    a.subject_kind = casewatch::SubjectKind::kCase;
    a.subject_id = "C-1";
    a.starts_at = kNow - casewatch::kMsPerHour;
    a.updated_at = kNow - casewatch::kMsPerHour;
    ops.addAlert(a);
    casewatch::ApiRouterOptions o;
    o.ops = &ops;
    o.auth = &auth;
    o.now = [] { return kNow; };
    o.json = casewatch::AlertJsonOptions{"en", 480};
    o.offload = [](std::function<void()>) {};  // store reads: no store here, the answer is dropped
    o.post = [](std::function<void()> task) { task(); };
    o.readiness = [this] { return ops.readiness(); };
    router.emplace(std::move(o));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;

  http::request_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);  // the server's defaults, scaled to what a fuzz input can be
  parser.header_limit(16 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;

  auto& req = parser.get();
  ApiRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.authorization = std::string(req[http::field::authorization]);
  request.body = std::move(req.body());
  const bool known_token = world.auth.authenticate(request.authorization) != nullptr;
  const size_t changes_before = world.ops.changes().size();

  int answers = 0;
  ApiResponse response;
  world.router->handle(request, [&](ApiResponse r) {
    ++answers;
    response = std::move(r);
  });
  // Routes that read the store answer later (offload above drops them); all others answer now.
  check(answers <= 1, "at most one answer");
  if (answers == 1) {
    check(response.status >= 100 && response.status <= 599, "a valid status");
    if (response.content_type == "application/json" && !response.body.empty()) {
      check(nlohmann::json::accept(response.body), "JSON answers are JSON");
    }
  }
  if (!known_token) check(world.ops.changes().size() == changes_before, "no token, no change");
  return 0;
}
