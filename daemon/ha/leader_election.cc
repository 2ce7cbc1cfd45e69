#include "daemon/ha/leader_election.h"

#include <libpq-fe.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "base/str_cat.h"

namespace casewatch {
namespace {

// The lease's pieces: idle time before the first probe, the probes' interval and count, so that a
// silent peer is given up on after about two thirds of the takeover bound (the follower's
// one-second retry and the new leader's start fit in the rest).
struct Lease {
  int idle_s, interval_s, count, user_timeout_ms;
};

Lease leaseFor(int takeover_seconds) {
  Lease l{};
  l.idle_s = std::max(1, takeover_seconds / 3);
  l.interval_s = std::max(1, takeover_seconds / 6);
  l.count = 2;
  l.user_timeout_ms = std::max(1000, takeover_seconds * 1000 * 2 / 3);
  return l;
}

std::string oneLine(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

struct LeaderElection::Session {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn{nullptr, &PQfinish};
  std::string last_error;  // logged once per run of failures
};

LeaderElection::LeaderElection(LeaderElectionOptions options, RoleFn on_change)
    : options_(std::move(options)), on_change_(std::move(on_change)) {}

LeaderElection::~LeaderElection() {
  stop();
}

void LeaderElection::exportMetrics(prometheus::Registry& registry) {
  gauge_ = &prometheus::BuildGauge()
                .Name("casewatch_ha_leader")
                .Help(
                    "1 while this replica of the HA pair holds the PostgreSQL advisory lock and so "
                    "publishes the escalation notices; 0 while it follows")
                .Register(registry)
                .Add({{"replica", options_.replica}});
  gauge_->Set(0);
}

std::vector<std::pair<std::string, std::string>> LeaderElection::clientKeepalives(
    int takeover_seconds) {
  const Lease l = leaseFor(takeover_seconds);
  return {{"keepalives", "1"},
          {"keepalives_idle", std::to_string(l.idle_s)},
          {"keepalives_interval", std::to_string(l.interval_s)},
          {"keepalives_count", std::to_string(l.count)},
          {"tcp_user_timeout", std::to_string(l.user_timeout_ms)},
          {"connect_timeout", std::to_string(std::max(2, takeover_seconds))}};
}

std::string LeaderElection::serverKeepalives(int takeover_seconds) {
  const Lease l = leaseFor(takeover_seconds);
  return strCat(
      "SET tcp_keepalives_idle = ", l.idle_s, "; SET tcp_keepalives_interval = ", l.interval_s,
      "; SET tcp_keepalives_count = ", l.count, "; SET tcp_user_timeout = ", l.user_timeout_ms,
      "; SET application_name = 'casewatchd ha'");
}

void LeaderElection::start() {
  thread_ = std::thread([this] { run(); });
}

void LeaderElection::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaderElection::run() {
  Session session;
  session_ = &session;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    step();
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
  lock.unlock();
  disconnect();
  if (leader()) setLeader(false, "stopping");
  session_ = nullptr;
}

void LeaderElection::disconnect() {
  session_->conn.reset();
}

void LeaderElection::setLeader(bool leader, const char* why) {
  if (leader_.exchange(leader, std::memory_order_acq_rel) == leader) return;
  if (gauge_ != nullptr) gauge_->Set(leader ? 1 : 0);
  if (leader) {
    spdlog::warn("HA: replica {} is now the leader ({}); it publishes the escalation notices.",
                 options_.replica, why);
  } else {
    spdlog::warn("HA: replica {} is now a follower ({}); it publishes no escalation notices.",
                 options_.replica, why);
  }
  if (on_change_) on_change_(leader);
}

void LeaderElection::step() {
  Session& s = *session_;
  auto fail = [&](const std::string& what) {
    if (what != s.last_error) {
      spdlog::warn("HA: replica {}: {}; trying again every second.", options_.replica, what);
      s.last_error = what;
    }
    disconnect();
    setLeader(false, "its PostgreSQL session was lost");
  };
  if (!s.conn) {
    // The conninfo is expanded in place of "dbname"; the later keywords override what it says.
    const auto lease = clientKeepalives(options_.takeover_seconds);
    std::vector<const char*> keys = {"dbname"};
    std::vector<const char*> values = {options_.conninfo.c_str()};
    for (const auto& [k, v] : lease) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    if (!options_.password.empty()) {
      keys.push_back("password");
      values.push_back(options_.password.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    s.conn.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
    if (!s.conn || PQstatus(s.conn.get()) != CONNECTION_OK) {
      return fail(strCat("cannot connect to PostgreSQL for the leader lock: ",
                         oneLine(s.conn ? PQerrorMessage(s.conn.get()) : "out of memory")));
    }
    std::unique_ptr<PGresult, decltype(&PQclear)> set(
        PQexec(s.conn.get(), serverKeepalives(options_.takeover_seconds).c_str()), &PQclear);
    if (PQresultStatus(set.get()) != PGRES_COMMAND_OK) {
      return fail(strCat("cannot set the leader session's keepalives: ",
                         oneLine(PQerrorMessage(s.conn.get()))));
    }
  }
  const std::string sql =
      leader() ? std::string("SELECT true") : strCat("SELECT pg_try_advisory_lock(", kLockKey, ")");
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(s.conn.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    return fail(
        strCat("the leader lock's session failed: ", oneLine(PQerrorMessage(s.conn.get()))));
  }
  s.last_error.clear();
  if (!leader() && std::string_view(PQgetvalue(r.get(), 0, 0)) == "t") {
    setLeader(true, "it holds the PostgreSQL advisory lock");
  }
}

}  // namespace casewatch
