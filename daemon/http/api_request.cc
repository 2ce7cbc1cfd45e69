#include "daemon/http/api_request.h"

#include <charconv>

#include "base/str_cat.h"

namespace casewatch {
namespace {

using Json = ApiJson;

constexpr size_t kMaxNesting = 32;  // bodies are flat; deeper JSON is refused before parsing

// Deepest nesting of arrays/objects, ignoring brackets inside strings; stops early past `limit`.
size_t nestingDepth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Sends `r` unless something was sent already; JSON answers are never cached.
void replyOnce(const ApiResponder& respond, bool& responded, std::string_view route,
               ApiResponse r) {
  if (responded) return;
  responded = true;
  r.route = route;
  if (r.content_type == "application/json") r.headers.emplace_back("Cache-Control", "no-store");
  respond(std::move(r));
}

}  // namespace

std::string dumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string jsonQuoted(std::string_view s) {
  Json j = std::string(s);
  return dumpJson(j);
}

std::string jsonError(std::string_view message) {
  Json j;
  j["error"] = std::string(message);
  return dumpJson(j);
}

bool percentDecode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::optional<Json> parseBodyObject(std::string_view body, bool empty_ok, std::string& error) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) return Json::object();
    error = "body: expected a JSON object, got an empty body";
    return std::nullopt;
  }
  if (nestingDepth(body, kMaxNesting) > kMaxNesting) {
    error = strCat("body: JSON nested deeper than ", kMaxNesting, " levels");
    return std::nullopt;
  }
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = "body: not valid JSON (or not UTF-8)";
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = strCat("body: expected a JSON object, got ", j.type_name());
    return std::nullopt;
  }
  return j;
}

std::string unknownKey(const Json& obj, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return key;
  }
  return "";
}

int httpStatusOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

ApiResponse jsonResponse(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

void ApiContext::read(const ApiRequest& request, ApiResponder responder) {
  method = request.method;
  body = request.body;
  authorization = request.authorization;
  respond = std::move(responder);
  std::string_view target = request.target;
  std::string_view query_text;
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    query_text = target.substr(q + 1);
    target = target.substr(0, q);
  }
  path = std::string(target);
  for (size_t start = 0; start < query_text.size();) {
    size_t amp = query_text.find('&', start);
    if (amp == std::string_view::npos) amp = query_text.size();
    const std::string_view pair = query_text.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key, value;
    if (!percentDecode(pair.substr(0, eq), true, key) ||
        (eq != std::string_view::npos && !percentDecode(pair.substr(eq + 1), true, value))) {
      query_error = strCat("bad percent-encoding in the query: ", jsonQuoted(pair));
      break;
    }
    for (const auto& [k, v] : query) {
      if (k == key) query_error = strCat("parameter ", jsonQuoted(key), " given more than once");
    }
    query.emplace_back(std::move(key), std::move(value));
  }
  std::string_view p = path;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  while (!p.empty()) {
    const size_t slash = p.find('/');
    segments.push_back(p.substr(0, slash));
    if (slash == std::string_view::npos) break;
    p.remove_prefix(slash + 1);
    if (p.empty()) segments.push_back("");  // a trailing slash is a (missing) segment
  }
}

void ApiContext::reply(ApiResponse r) {
  replyOnce(respond, *responded, route, std::move(r));
}

void ApiContext::error(int status, std::string_view message) {
  reply(jsonResponse(status, jsonError(message)));
}

void ApiContext::ok(std::string body_text, int status) {
  reply(jsonResponse(status, std::move(body_text)));
}

ApiResponder ApiContext::later() const {
  return [respond = respond, responded = responded, route = route](ApiResponse r) {
    replyOnce(respond, *responded, route, std::move(r));
  };
}

const std::string* ApiContext::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

bool ApiContext::onlyParams(std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : query) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string known;
      for (std::string_view a : allowed) strAppend(known, known.empty() ? "" : ", ", a);
      error(400, strCat("unknown parameter ", jsonQuoted(k),
                        known.empty() ? std::string(" (this route takes none)")
                                      : strCat(" (known: ", known, ")")));
      return false;
    }
  }
  return true;
}

bool ApiContext::limitParam(size_t& limit) {
  const std::string* l = param("limit");
  if (l == nullptr) return true;
  const auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
  if (ec != std::errc() || ptr != l->data() + l->size() || limit < 1 || limit > kMaxLimit) {
    error(400,
          strCat("limit: expected an integer from 1 to ", kMaxLimit, "; got ", jsonQuoted(*l)));
    return false;
  }
  return true;
}

}  // namespace casewatch
