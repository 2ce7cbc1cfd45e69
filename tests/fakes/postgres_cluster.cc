#include "tests/fakes/postgres_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace casewatch::testing {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";
constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

bool asRoot() {
  return ::geteuid() == 0;
}

// argv run as the server's user: through setpriv (to nobody, killed with its parent) as root.
std::vector<std::string> asServerUser(std::vector<std::string> argv) {
  if (!asRoot()) return argv;
  std::vector<std::string> out = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                  "--clear-groups", "--pdeathsig=SIGINT"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

// Starts argv with stdout and stderr into `log`; the child's pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  // Everything allocated before fork(): the child of a threaded process only execs.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, SIGINT);  // not root: the server goes with the test process
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  ::execv(args[0], args.data());
  ::_exit(127);
}

int waitExit(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

void writeFile(const std::string& path, const std::string& text, mode_t mode, bool for_server) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  if (for_server && asRoot()) (void)::chown(path.c_str(), kNobody, kNogroup);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresCluster>> PostgresCluster::start() {
  std::unique_ptr<PostgresCluster> c(new PostgresCluster());
  if (auto s = c->init(); !s.ok()) return s;
  return c;
}

absl::Status PostgresCluster::init() {
  char tmpl[] = "/tmp/casewatch-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  dir_ = tmpl;
  if (asRoot()) (void)::chown(dir_.c_str(), kNobody, kNogroup);
  // A fixed test password: the cluster lives in a private directory for the length of a test run.
  password_ = "casewatch-test-password";
  writeFile(dir_ + "/initdb.pw", password_ + "\n", 0600, /*for_server=*/true);
  password_file_ = dir_ + "/store.pw";  // the client's copy, owned by the test's user
  writeFile(password_file_, password_ + "\n", 0600, /*for_server=*/false);

  const std::string log = dir_ + "/server.log";
  writeFile(log, "", 0644, /*for_server=*/true);
  // No fsync: the cluster is thrown away; its durability is not what the tests check.
  const pid_t initdb = spawn(
      asServerUser({std::string(kBin) + "initdb", "-D", dir_ + "/data", "-U", "casewatch_admin",
                    "--pwfile=" + dir_ + "/initdb.pw", "-A", "scram-sha-256", "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions"}),
      log);
  if (waitExit(initdb) != 0) return absl::InternalError("initdb failed:\n" + readAll(log));

  port_ = freePort();
  pid_ = spawn(asServerUser({std::string(kBin) + "postgres", "-D", dir_ + "/data", "-k", dir_, "-p",
                             std::to_string(port_), "-c", "listen_addresses=127.0.0.1", "-c",
                             "fsync=off", "-c", "full_page_writes=off"}),
               log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const pid_t ready =
        spawn({std::string(kBin) + "pg_isready", "-q", "-h", dir_, "-p", std::to_string(port_)},
              "/dev/null");
    if (waitExit(ready) == 0) break;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError("postgres exited at start:\n" + readAll(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::DeadlineExceededError("postgres not ready in 30 s:\n" + readAll(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto role =
      adminQuery("postgres", "CREATE ROLE casewatch_store LOGIN PASSWORD '" + password_ + "'");
  return role.status();
}

PostgresCluster::~PostgresCluster() {
  stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

void PostgresCluster::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: sessions end, no waiting for clients
  waitExit(pid_);
  pid_ = -1;
}

absl::StatusOr<std::string> PostgresCluster::createDatabase() {
  const std::string name = "casewatch_test_" + std::to_string(++next_database_);
  auto r = adminQuery("postgres", "CREATE DATABASE " + name + " OWNER casewatch_store");
  if (!r.ok()) return r.status();
  return name;
}

std::string PostgresCluster::conninfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database +
         " user=casewatch_store";
}

absl::StatusOr<std::string> PostgresCluster::adminQuery(const std::string& database,
                                                        const std::string& sql) {
  const std::string port = std::to_string(port_);
  const char* keys[] = {"host", "port", "dbname", "user", "password", nullptr};
  const char* values[] = {dir_.c_str(),      port.c_str(),      database.c_str(),
                          "casewatch_admin", password_.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 0);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError("admin connection: " + why);
  }
  PGresult* r = PQexec(conn, sql.c_str());
  absl::StatusOr<std::string> out;
  const ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_TUPLES_OK) {
    out = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? std::string(PQgetvalue(r, 0, 0)) : "";
  } else if (st == PGRES_COMMAND_OK) {
    out = std::string();
  } else {
    out = absl::InternalError(sql + ": " + PQresultErrorMessage(r));
  }
  PQclear(r);
  PQfinish(conn);
  return out;
}

namespace {

// The binary's one cluster: started by the first test that asks, stopped after the last test.
class PostgresEnvironment : public ::testing::Environment {
 public:
  PostgresCluster* get(std::string* error) {
    if (!cluster_ && error_.empty()) {
      auto c = PostgresCluster::start();
      if (c.ok()) {
        cluster_ = std::move(*c);
      } else {
        error_ = std::string(c.status().message());
      }
    }
    if (error) *error = error_;
    return cluster_.get();
  }
  void TearDown() override { cluster_.reset(); }

 private:
  std::unique_ptr<PostgresCluster> cluster_;
  std::string error_;
};

PostgresEnvironment* environment() {
  // Owned by gtest once added.
  static PostgresEnvironment* env = [] {
    auto* e = new PostgresEnvironment();
    ::testing::AddGlobalTestEnvironment(e);
    return e;
  }();
  return env;
}

// Registered before main() runs the tests, so that TearDown stops a cluster a test started.
[[maybe_unused]] const PostgresEnvironment* const kRegistered = environment();

}  // namespace

PostgresCluster* sharedPostgresCluster(std::string* error) {
  return environment()->get(error);
}

}  // namespace casewatch::testing
