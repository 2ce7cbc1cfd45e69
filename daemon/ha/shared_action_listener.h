// The follower's half of the shared duty officers' actions (shared_action.h): a libpq session of
// its own LISTENs on the channel casewatch_workflow; on a notification (sent by the other
// replica's commit of an action) it re-reads the rows of workflow_actions after the last id it saw
// and hands their text over. It also re-reads every few seconds, so that an action whose
// notification was missed (the session was being re-made) still arrives.
//
// Where it starts: the newest action when start() is called (before the App loads the workflow's
// state from the store, so that nothing made after that is missed). An action seen twice is
// harmless (SharedAction::applyTo changes nothing the second time).
//
// Threads: everything blocking (libpq) runs on its own thread; `on_actions` is called there, in id
// order, and must only post. Every replica's own actions come back too: the caller skips them by
// their origin.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace casewatch {

class HaSession;

struct SharedActionListenerOptions {
  std::string conninfo;  // store.postgresql.conninfo
  std::string password;  // from store.postgresql.password_file; "" = none
  std::string replica;   // for logs
};

class SharedActionListener {
 public:
  static constexpr const char* kChannel = "casewatch_workflow";
  using ActionsFn = std::function<void(std::vector<std::string> actions)>;

  SharedActionListener(SharedActionListenerOptions options, ActionsFn on_actions);
  ~SharedActionListener();  // stops
  SharedActionListener(const SharedActionListener&) = delete;
  SharedActionListener& operator=(const SharedActionListener&) = delete;

  // Connects, LISTENs and takes the newest action's id as where to start, then starts the thread.
  // Unavailable when the database cannot be reached (nothing started).
  absl::Status start();
  void stop();

 private:
  void run();
  absl::Status listen();
  void readNew();

  const SharedActionListenerOptions options_;
  const ActionsFn on_actions_;
  std::unique_ptr<HaSession> session_;  // the thread's (start() before it runs)
  int64_t last_id_ = 0;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace casewatch
