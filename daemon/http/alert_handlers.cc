// The alerts: the list (active ones from memory, resolved ones from the store), one alert with its
// history, and the operator's changes (acknowledge, unacknowledge, resolve).
#include "daemon/http/api_router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "base/log_escape.h"
#include "base/str_cat.h"
#include "daemon/store/alert_store.h"

namespace casewatch {
namespace {

using Json = ApiJson;

constexpr size_t kDefaultResolvedLimit = 1000;
constexpr std::string_view kStatusNames[] = {"firing", "acknowledged", "escalated", "resolved",
                                             "silenced"};
constexpr std::string_view kTierNames[] = {"blue", "yellow", "orange", "red"};

// Alerts are built as text: alertToJson is the one JSON form of an alert, and it is already valid.
std::string alertsBody(const std::vector<std::string>& alerts) {
  std::string out = "{\"alerts\":[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    if (i > 0) out += ',';
    out += alerts[i];
  }
  out += "]}";
  return out;
}

}  // namespace

void ApiRouter::listAlerts(ApiContext& ctx) {
  if (!ctx.onlyParams({"status", "tier", "model", "region", "agency", "limit"})) return;
  AlertFilter f;
  auto get = [&](std::string_view name) {
    const std::string* v = ctx.param(name);
    return v ? *v : std::string();
  };
  f.status = get("status");
  f.tier = get("tier");
  f.model = get("model");
  f.region = get("region");
  f.agency = get("agency");
  if (!f.status.empty() && !isOneOf(f.status, kStatusNames)) {
    return ctx.error(400, strCat("status: expected one of ", oneOf(kStatusNames), "; got ",
                                 jsonQuoted(f.status)));
  }
  if (!f.tier.empty() && !isOneOf(f.tier, kTierNames)) {
    return ctx.error(
        400, strCat("tier: expected one of ", oneOf(kTierNames), "; got ", jsonQuoted(f.tier)));
  }
  size_t limit = 0;
  if (!ctx.limitParam(limit)) return;
  const AlertJsonOptions jo = options_.json;
  if (f.status == "resolved") {
    // Resolved alerts are no longer in memory: read them from the store, off the loop.
    f.limit = limit == 0 ? kDefaultResolvedLimit : limit;
    AlertStore* store = options_.store;
    ApiResponder respond = ctx.later();
    TaskRunner post = options_.post;
    options_.offload([store, f, respond, post] {
      ApiResponse r;
      auto records = store->loadAlerts(f);
      if (!records.ok()) {
        r = jsonResponse(503, jsonError(strCat("store: ", records.status().message())));
      } else {
        std::vector<std::string> alerts;
        for (const AlertRecord& rec : *records) {
          if (Json::accept(rec.json)) alerts.push_back(rec.json);
        }
        r = jsonResponse(200, alertsBody(alerts));
      }
      post([respond, r = std::move(r)]() mutable { respond(std::move(r)); });
    });
    return;
  }
  std::vector<Alert> active = options_.ops->activeAlerts();
  std::erase_if(active, [&](const Alert& a) {
    return (!f.status.empty() && alertStatusName(a.status) != f.status) ||
           (!f.tier.empty() && tierName(a.tier) != f.tier) ||
           (!f.model.empty() && a.model != f.model) ||
           (!f.region.empty() && a.region != f.region) ||
           (!f.agency.empty() && a.agency != f.agency);
  });
  std::sort(active.begin(), active.end(), [](const Alert& a, const Alert& b) {
    if (a.updated_at != b.updated_at) return a.updated_at > b.updated_at;
    if (a.starts_at != b.starts_at) return a.starts_at > b.starts_at;
    return a.alert_id < b.alert_id;
  });
  if (limit != 0 && active.size() > limit) active.resize(limit);
  std::vector<std::string> alerts;
  alerts.reserve(active.size());
  for (const Alert& a : active) alerts.push_back(alertToJson(a, jo));
  ctx.ok(alertsBody(alerts));
}

void ApiRouter::getAlert(ApiContext& ctx, const std::string& id) {
  if (!ctx.onlyParams({})) return;
  std::optional<std::string> current;
  for (const Alert& a : options_.ops->activeAlerts()) {
    if (a.alert_id == id) current = alertToJson(a, options_.json);
  }
  AlertStore* store = options_.store;
  ApiResponder respond = ctx.later();
  TaskRunner post = options_.post;
  const int offset = options_.json.utc_offset_minutes;
  options_.offload([store, id, current, respond, post, offset] {
    ApiResponse r;
    auto history = store->alertHistory(id);
    if (!history.ok()) {
      r = jsonResponse(503, jsonError(strCat("store: ", history.status().message())));
    } else if (history->empty() && !current) {
      r = jsonResponse(404, jsonError(strCat("no alert with id ", jsonQuoted(id))));
    } else {
      Json h = Json::array();
      std::string latest;
      for (const AlertRecord& rec : *history) {
        Json item;
        item["at"] = formatRfc3339(rec.at, offset);
        item["by"] = rec.actor;
        item["change"] = rec.action;
        item["note"] = rec.note;
        item["status"] = rec.status;
        item["tier"] = rec.tier;
        Json snapshot = Json::parse(rec.json, nullptr, false);
        if (!snapshot.is_discarded()) {
          item["alert"] = std::move(snapshot);
          latest = rec.json;
        }
        h.push_back(std::move(item));
      }
      // In memory is newest (the store records a change a moment after it is made).
      const std::string& alert = current ? *current : latest;
      r = jsonResponse(200, strCat("{\"alert\":", alert.empty() ? "null" : alert,
                                   ",\"history\":", dumpJson(h), "}"));
    }
    post([respond, r = std::move(r)]() mutable { respond(std::move(r)); });
  });
}

void ApiRouter::alertAction(ApiContext& ctx, const std::string& id, std::string_view action) {
  if (!ctx.onlyParams({})) return;
  std::string error;
  std::optional<Json> body = parseBodyObject(ctx.body, /*empty_ok=*/true, error);
  if (!body) return ctx.error(400, error);
  const bool takes_note = action != "unack";
  if (std::string k = takes_note ? unknownKey(*body, {"note"}) : unknownKey(*body, {});
      !k.empty()) {
    return ctx.error(
        400, strCat("body: unknown field ", jsonQuoted(k),
                    takes_note ? " (expected {\"note\": \"...\"})" : " (expected no body)"));
  }
  std::string note;
  if (body->contains("note")) {
    const Json& n = (*body)["note"];
    if (!n.is_string())
      return ctx.error(400, strCat("note: expected a string, got ", n.type_name()));
    note = n.get<std::string>();
    if (note.size() > kMaxNoteBytes) {
      return ctx.error(400, strCat("note: longer than ", kMaxNoteBytes, " bytes"));
    }
  }
  // Answered once the change is committed (AlertOperations::commitAction): 503 if it cannot be,
  // and then nothing changed.
  const std::string by = ctx.principal->name;
  auto result = std::make_shared<std::optional<Alert>>();
  ApiResponder respond = ctx.later();
  const AlertJsonOptions jo = options_.json;
  const std::string act(action);
  options_.ops->commitAction(
      [id, by, note, act, result](AlertOperations& ops) -> absl::Status {
        absl::StatusOr<Alert> r = act == "ack"     ? ops.acknowledge(id, by, note)
                                  : act == "unack" ? ops.unacknowledge(id, by)
                                                   : ops.resolve(id, by, note);
        if (!r.ok()) return r.status();
        *result = std::move(*r);
        return absl::OkStatus();
      },
      [id, by, note, act, result, respond, jo](absl::Status s) {
        if (!s.ok()) {
          const int status = httpStatusOf(s);
          std::string message(s.message());
          if (status == 404 && message.empty()) {
            message = strCat("no alert with id ", jsonQuoted(id));
          }
          return respond(jsonResponse(status, jsonError(message)));
        }
        spdlog::info(
            "HTTP API: {} {} alert {}{}{}.", by,
            act == "ack" ? "acknowledged" : (act == "unack" ? "unacknowledged" : "resolved"), id,
            note.empty() ? "" : ": ", note.empty() ? "" : "\"" + escapedForLog(note) + "\"");
        respond(jsonResponse(200, strCat("{\"alert\":", alertToJson(**result, jo), "}")));
      });
}

}  // namespace casewatch
