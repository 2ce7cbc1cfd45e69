// Where the pseudonym key comes from (key_file wins over the environment variable; demo key only
// in demo mode), and the refusal of a key file others can read.
#include "connectors/pseudonym/pseudonym_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr char kEnv[] = "CASEWATCH_TEST_PSEUDONYM_KEY";

std::string writeKey(const TempDir& tmp, const std::string& secret, mode_t mode) {
  const std::string path = tmp.path() + "/pseudonym.key";
  std::ofstream(path, std::ios::trunc) << secret << "\n";
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(PseudonymKeyTest, AKeyFileOthersCanReadIsRefusedNamingTheFileAndChmod) {
  TempDir tmp;
  for (mode_t mode : {0644, 0640, 0604, 0660, 0602}) {
    const std::string path = writeKey(tmp, "a-long-enough-secret-0123456789", mode);
    PseudonymConfig c;
    c.key_file = path;
    auto key = loadPseudonymKey(c, /*demo=*/false);
    ASSERT_FALSE(key.ok()) << "mode " << std::oct << mode;
    EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(key.status().message()),
                HasSubstr("pseudonym.key_file: " + path + " is open to group or others"));
    EXPECT_THAT(std::string(key.status().message()), HasSubstr("`chmod 600 " + path + "`"));
  }
}

TEST(PseudonymKeyTest, AnOwnerOnlyKeyFileIsUsed) {
  TempDir tmp;
  for (mode_t mode : {0600, 0400}) {
    PseudonymConfig c;
    c.key_file = writeKey(tmp, "a-long-enough-secret-0123456789", mode);
    auto key = loadPseudonymKey(c, false);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->key, Pseudonymizer::deriveKey("a-long-enough-secret-0123456789"));
    EXPECT_FALSE(key->demo);
  }
}

TEST(PseudonymKeyTest, KeyFileWinsOverTheEnvironmentVariable) {
  TempDir tmp;
  PseudonymConfig c;
  c.key_file = writeKey(tmp, "the-file-secret-0123456789", 0600);
  c.key_env = kEnv;
  ::setenv(kEnv, "the-environment-secret-0123456789", 1);
  auto key = loadPseudonymKey(c, false);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->key, Pseudonymizer::deriveKey("the-file-secret-0123456789"));
  EXPECT_THAT(key->origin, HasSubstr("key file"));

  c.key_file.clear();
  key = loadPseudonymKey(c, false);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->key, Pseudonymizer::deriveKey("the-environment-secret-0123456789"));
  ::unsetenv(kEnv);
}

TEST(PseudonymKeyTest, DemoKeyOnlyInDemoMode) {
  PseudonymConfig c;
  c.key_env = kEnv;
  ::unsetenv(kEnv);
  auto demo = loadPseudonymKey(c, true);
  ASSERT_TRUE(demo.ok()) << demo.status();
  EXPECT_TRUE(demo->demo);
  EXPECT_EQ(demo->key, Pseudonymizer::demoKey());
  EXPECT_FALSE(loadPseudonymKey(c, false).ok());
}

}  // namespace
}  // namespace casewatch
