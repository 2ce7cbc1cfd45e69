// A libpq session of the HA pair's own (the listener of shared actions, the escalation send log):
// connected with the store's conninfo and password, blocking, used by one thread only. The leader
// election (leader_election.h) keeps its own, with the keepalives of its lease.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace casewatch {

class HaSession {
 public:
  HaSession(std::string conninfo, std::string password)
      : conninfo_(std::move(conninfo)), password_(std::move(password)) {}

  // Connects when not connected; Unavailable with libpq's reason (one line) otherwise.
  absl::Status ensure();
  bool connected() const { return conn_ != nullptr; }
  void disconnect() { conn_.reset(); }
  PGconn* conn() const { return conn_.get(); }

  // One statement with text parameters; its rows as text (row-major). A failure disconnects (the
  // next ensure() connects again) and comes back as Unavailable.
  using Rows = std::vector<std::vector<std::string>>;
  absl::StatusOr<Rows> query(const std::string& sql, const std::vector<std::string>& params = {});

 private:
  const std::string conninfo_;
  const std::string password_;
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_{nullptr, &PQfinish};
};

// libpq's message on one line.
std::string pgOneLine(const char* text);

}  // namespace casewatch
