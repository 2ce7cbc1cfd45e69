// A real PostgreSQL server for tests, on loopback, started by the test: initdb into a fresh
// directory under /tmp, `postgres` on a free port with its socket in that directory, password
// (SCRAM) authentication. Run as `nobody` when the test runs as root (initdb refuses root; CI
// runs as root), through setpriv, which also stops it should the test process die. Stopped (fast
// shutdown) and removed with its directory when the object goes.
//
// Two roles: the superuser `casewatch_admin` (what a test does behind the store's back: cut its
// connections, look at its tables) and `casewatch_store`, an ordinary role owning each database
// made by createDatabase() (what the daemon gets in production). One password for both, in
// passwordFile() (mode 0600).
//
// sharedPostgresCluster(): the one cluster of a test binary, started the first time a test asks
// for it and stopped when the tests end (a global test environment), so that a run of the
// PostgreSQL tests pays for one initdb; each test takes a database of its own.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace casewatch::testing {

class PostgresCluster {
 public:
  static absl::StatusOr<std::unique_ptr<PostgresCluster>> start();
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  const std::string& password() const { return password_; }
  const std::string& passwordFile() const { return password_file_; }
  // A new, empty database owned by casewatch_store; its name.
  absl::StatusOr<std::string> createDatabase();
  // The store's connection string for `database` (no password: that is in passwordFile()).
  std::string conninfo(const std::string& database) const;
  // As the superuser, in `database`: runs `sql`; the first column of its first row ("" if none).
  absl::StatusOr<std::string> adminQuery(const std::string& database, const std::string& sql);
  // Stops the server (fast shutdown); the destructor does so too.
  void stop();

 private:
  PostgresCluster() = default;
  absl::Status init();

  std::string dir_;
  std::string password_;
  std::string password_file_;
  int port_ = 0;
  pid_t pid_ = -1;
  int next_database_ = 0;
};

// The cluster of this test binary, started on first use; null (and the reason in `error`) when it
// could not start.
PostgresCluster* sharedPostgresCluster(std::string* error = nullptr);

}  // namespace casewatch::testing
