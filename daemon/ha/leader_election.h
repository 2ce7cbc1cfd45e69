// Which replica of an HA pair is the leader (issue 15, item 2): the one holding a session-level
// PostgreSQL advisory lock (pg_try_advisory_lock on kLockKey) on a libpq connection of its own.
//
// Why a session lock: PostgreSQL frees it when the session ends, whatever ends it: a clean stop, a
// SIGKILL (the kernel closes the socket and the backend sees it at once) or a dead host (the
// server's TCP keepalives and tcp_user_timeout, set on this session to fit ha.takeover_seconds,
// end the session). The follower tries the lock every second, so it takes over within about
// takeover_seconds of the leader's death. The leader checks its session every second too; a lost
// session is lost leadership at once (the server may already have freed the lock), and the client
// side's keepalives bound how long a silent network can hide that.
//
// The election runs on its own thread: every libpq call blocks, and the io_context must not.
// onChange is called on that thread, once per change of role; leader() may be read anywhere.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace prometheus {
class Gauge;
class Registry;
}  // namespace prometheus

namespace casewatch {

struct LeaderElectionOptions {
  std::string conninfo;  // store.postgresql.conninfo
  std::string password;  // from store.postgresql.password_file; "" = none
  int takeover_seconds = 10;
  std::string replica;  // for logs and the metric's label
};

class LeaderElection {
 public:
  // One lock per database: the pair shares the store's database, and nothing else takes this key.
  static constexpr int64_t kLockKey = 0x6361736577617463;  // "casewatc"
  using RoleFn = std::function<void(bool leader)>;

  LeaderElection(LeaderElectionOptions options, RoleFn on_change);
  ~LeaderElection();  // stops (the session closes, freeing the lock at once)
  LeaderElection(const LeaderElection&) = delete;
  LeaderElection& operator=(const LeaderElection&) = delete;

  // casewatch_ha_leader{replica}: 1 while this replica leads. Before start().
  void exportMetrics(prometheus::Registry& registry);
  void start();
  void stop();
  bool leader() const { return leader_.load(std::memory_order_acquire); }

  // The libpq parameters (keyword, value) of the election's session for a lease of
  // `takeover_seconds`, passed after the configured conninfo (key=value or URI alike), so they win:
  // the client-side half of noticing a dead peer. Exposed for the tests.
  static std::vector<std::pair<std::string, std::string>> clientKeepalives(int takeover_seconds);
  // The SET statements of the server-side half (the server ends a session whose client is gone).
  static std::string serverKeepalives(int takeover_seconds);

 private:
  void run();
  // One attempt: connect if needed, then try the lock (follower) or check the session (leader).
  void step();
  void setLeader(bool leader, const char* why);
  void disconnect();

  const LeaderElectionOptions options_;
  const RoleFn on_change_;
  std::atomic<bool> leader_{false};
  prometheus::Gauge* gauge_ = nullptr;
  struct Session;
  Session* session_ = nullptr;  // the election thread's only
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace casewatch
