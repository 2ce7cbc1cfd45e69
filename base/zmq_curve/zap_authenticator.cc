#include "base/zmq_curve/zap_authenticator.h"

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "base/thread_role.h"

namespace casewatch {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

}  // namespace

ZapAuthenticator::ZapAuthenticator(zmq::context_t& context, OnRefusal on_refusal)
    : socket_(context, zmq::socket_type::rep), on_refusal_(std::move(on_refusal)) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind(kZapEndpoint);
  thread_ = std::thread([this] { run(); });
}

ZapAuthenticator::~ZapAuthenticator() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  socket_.close();
}

void ZapAuthenticator::admit(const std::string& domain,
                             const std::vector<std::string>& public_keys) {
  std::lock_guard lock(mu_);
  admitted_[domain] = std::set<std::string>(public_keys.begin(), public_keys.end());
}

void ZapAuthenticator::forget(const std::string& domain) {
  std::lock_guard lock(mu_);
  admitted_.erase(domain);
}

uint64_t ZapAuthenticator::refusals(const std::string& domain) const {
  std::lock_guard lock(mu_);
  auto it = refusals_.find(domain);
  return it == refusals_.end() ? 0 : it->second;
}

void ZapAuthenticator::run() {
  nameThisThread("cw-zap");
  while (!stop_.load(std::memory_order_relaxed)) {
    try {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) <= 0) continue;
      std::vector<zmq::message_t> request;
      if (!zmq::recv_multipart(socket_, std::back_inserter(request))) continue;
      answer(request);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      // A REP socket that failed mid-exchange cannot answer the next request in order; libzmq
      // times the client's handshake out and it tries again.
      spdlog::warn("ZAP handler: {}", e.what());
    }
  }
}

void ZapAuthenticator::answer(std::vector<zmq::message_t>& request) {
  // RFC 27: version, request id, domain, address, routing id, mechanism, credentials...
  std::string status = "400";
  std::string text = "refused";
  std::string domain;
  if (request.size() >= 6 && request[0].to_string_view() == "1.0") {
    domain = request[2].to_string();
    const std::string_view mechanism = request[5].to_string_view();
    if (mechanism == "NULL") {
      // No CURVE on that socket: an insecure feed, or a socket only on loopback (check-config).
      status = "200";
      text = "OK";
    } else if (mechanism == "CURVE" && request.size() >= 7 && request[6].size() == 32) {
      std::lock_guard lock(mu_);
      auto it = admitted_.find(domain);
      if (it != admitted_.end() && it->second.count(request[6].to_string()) != 0) {
        status = "200";
        text = "OK";
      }
    }
  }
  if (status != "200") {
    uint64_t n = 0;
    {
      std::lock_guard lock(mu_);
      n = ++refusals_[domain];
    }
    // Rate-limited: the 1st, 2nd, 4th, 8th... refusal of a domain.
    if ((n & (n - 1)) == 0) {
      spdlog::warn("ZeroMQ {}: refused a client whose key is not listed ({} refusals so far).",
                   domain.empty() ? "(no domain)" : domain, n);
    }
    if (on_refusal_) on_refusal_(domain);
  }
  const std::string request_id = request.size() > 1 ? request[1].to_string() : std::string();
  std::vector<zmq::const_buffer> reply = {zmq::str_buffer("1.0"), zmq::buffer(request_id),
                                          zmq::buffer(status),    zmq::buffer(text),
                                          zmq::str_buffer(""),    zmq::str_buffer("")};
  zmq::send_multipart(socket_, reply);
}

}  // namespace casewatch
