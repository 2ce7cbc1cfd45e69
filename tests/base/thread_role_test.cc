#include "base/thread_role.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

namespace casewatch {
namespace {

int ownNice() {
  errno = 0;
  return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

// A thread of its own, so that the test's own thread keeps its priority.
TEST(ThreadRoleTest, ABackgroundThreadRunsAtItsNiceValueAndTheOthersDoNot) {
  const int before = ownNice();
  int inside = -100;
  std::string name;
  std::thread t([&] {
    nameThisThread("cw-fit-and-more-than-fifteen");
    runThisThreadInBackground(10);
    inside = ownNice();
    char buf[32] = {};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    name = buf;
  });
  t.join();
  // Lowering a nice value needs privilege: a test run under a nice value above 10 stays there.
  if (before <= 10) EXPECT_EQ(inside, 10);
  EXPECT_GE(inside, 10);
  EXPECT_EQ(ownNice(), before);        // the calling thread's own, not the process's
  EXPECT_EQ(name, "cw-fit-and-more");  // Linux keeps 15 characters
}

}  // namespace
}  // namespace casewatch
