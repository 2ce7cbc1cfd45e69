// The data directory is private: created 0700 (an open one narrowed), files created after 0600.
#include "daemon/data_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::TempDir;

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(DataDirTest, CreatesItPrivateAndFilesCreatedLaterAreOwnerOnly) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/a/data";
  ASSERT_TRUE(prepareDataDir(dir).ok());
  EXPECT_EQ(modeOf(dir), 0700u);
  std::ofstream(dir + "/state") << "x";  // the default 0666 request, narrowed by the umask
  EXPECT_EQ(modeOf(dir + "/state"), 0600u);
}

TEST(DataDirTest, NarrowsAnExistingDirectoryOpenToOthers) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  ASSERT_TRUE(prepareDataDir(dir).ok());
  EXPECT_EQ(modeOf(dir), 0700u);
}

TEST(DataDirTest, APathThatCannotBeADirectoryNamesDataDir) {
  TempDir tmp;
  std::ofstream(tmp.path() + "/file") << "x";
  absl::Status s = prepareDataDir(tmp.path() + "/file/data");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("data_dir: cannot create"), std::string::npos);
}

}  // namespace
}  // namespace casewatch
