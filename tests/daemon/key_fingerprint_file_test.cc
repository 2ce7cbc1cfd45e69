// The key fingerprint in the data directory: stored 0600 on the first start, the same key accepted
// later, a different key refused with a message naming the file and how to re-key.
#include "daemon/key_fingerprint_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(KeyFingerprintFileTest, StoredOnFirstStartThenTheSameKeyIsAccepted) {
  TempDir tmp;
  ASSERT_TRUE(checkKeyFingerprint(tmp.path(), "aaaa", "key file /k").ok());
  const std::string path = tmp.path() + "/" + kKeyFingerprintFile;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  EXPECT_EQ(ss.str(), "aaaa\n");
  EXPECT_TRUE(checkKeyFingerprint(tmp.path(), "aaaa", "key file /k").ok());
}

TEST(KeyFingerprintFileTest, ADifferentKeyIsRefusedNamingTheFileAndHowToReKey) {
  TempDir tmp;
  ASSERT_TRUE(checkKeyFingerprint(tmp.path(), "aaaa", "key file /k").ok());
  absl::Status s = checkKeyFingerprint(tmp.path(), "bbbb", "environment CASEWATCH_PSEUDONYM_KEY");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  const std::string m(s.message());
  EXPECT_THAT(m, HasSubstr("the key from environment CASEWATCH_PSEUDONYM_KEY is not the key"));
  EXPECT_THAT(m, HasSubstr(tmp.path() + "/pseudonym_key.fingerprint holds fingerprint aaaa"));
  EXPECT_THAT(m, HasSubstr("start with a new, empty data_dir"));
}

}  // namespace
}  // namespace casewatch
