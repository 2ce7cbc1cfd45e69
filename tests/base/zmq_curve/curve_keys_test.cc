// Key files as `casewatch keygen` writes them, read back; the checks on what they hold.
#include "base/zmq_curve/curve_keys.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(CurveKeysTest, AWrittenPairReadsBackWithTheSecretFilePrivate) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/feed";
  auto pair = generateCurveKeyPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_TRUE(writeCurveKeyPair(prefix, *pair).ok());
  struct stat st {};
  ASSERT_EQ(::stat((prefix + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto secret = readCurveSecretKeyFile(prefix + ".key");
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(secret->secret_z85, pair->secret_z85);
  EXPECT_EQ(secret->public_z85, pair->public_z85);  // derived from the secret
  auto pub = readCurvePublicKeyFile(prefix + ".pub");
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(*pub, pair->public_z85);

  // Never overwritten.
  EXPECT_FALSE(writeCurveKeyPair(prefix, *generateCurveKeyPair()).ok());
  EXPECT_EQ(readCurvePublicKeyFile(prefix + ".pub").value(), pair->public_z85);
}

TEST(CurveKeysTest, ASecretKeyOpenToOthersIsRefused) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/bus";
  ASSERT_TRUE(writeCurveKeyPair(prefix, *generateCurveKeyPair()).ok());
  ::chmod((prefix + ".key").c_str(), 0644);
  auto secret = readCurveSecretKeyFile(prefix + ".key");
  ASSERT_FALSE(secret.ok());
  EXPECT_THAT(std::string(secret.status().message()), HasSubstr("mode 0644"));
}

TEST(CurveKeysTest, ClientListSkipsCommentsAndBlankLinesAndNamesABadLine) {
  testing::TempDir dir;
  const std::string a = generateCurveKeyPair()->public_z85;
  const std::string b = generateCurveKeyPair()->public_z85;
  const std::string path = dir.path() + "/clients";
  write(path, "# intake\n" + a + "\n\n   # web\n  " + b + "  \n");
  auto keys = readCurveClientKeysFile(path);
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_THAT(*keys, SizeIs(2));
  EXPECT_THAT((*keys)[0], SizeIs(32));  // raw, as ZAP requests carry them

  write(path, a + "\nnot-a-key\n");
  keys = readCurveClientKeysFile(path);
  ASSERT_FALSE(keys.ok());
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr(path + ":2: expected a Z85 key"));

  EXPECT_FALSE(readCurveClientKeysFile(dir.path() + "/missing").ok());
  write(path, "");
  EXPECT_THAT(readCurveClientKeysFile(path).value(), SizeIs(0));  // admits nobody
}

TEST(CurveKeysTest, APublicKeyFileHoldsExactlyOneKey) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/two.pub";
  write(path,
        generateCurveKeyPair()->public_z85 + "\n" + generateCurveKeyPair()->public_z85 + "\n");
  auto pub = readCurvePublicKeyFile(path);
  ASSERT_FALSE(pub.ok());
  EXPECT_THAT(std::string(pub.status().message()), HasSubstr("expected one Z85 key, found 2"));
}

}  // namespace
}  // namespace casewatch
