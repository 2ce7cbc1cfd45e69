// Bearer tokens: who a header names, which role may do what, token files, and the demo set.
#include "daemon/http/api_auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/file_contents.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

ApiAuth threeTokens() {
  return ApiAuth({{"vera", ApiRole::kViewer, "v-secret"},
                  {"duty:li", ApiRole::kDutyOfficer, "d-secret"},
                  {"chief", ApiRole::kLeader, "l-secret"}});
}

TEST(ApiAuthTest, HeaderNamesThePrincipal) {
  const ApiAuth auth = threeTokens();
  const ApiPrincipal* p = auth.authenticate("Bearer d-secret");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "duty:li");
  EXPECT_EQ(p->role, ApiRole::kDutyOfficer);
  ASSERT_NE(auth.authenticate("bearer l-secret"), nullptr);
  EXPECT_EQ(auth.authenticate("BEARER   v-secret  ")->name, "vera");
}

TEST(ApiAuthTest, MissingMalformedOrUnknownIsNobody) {
  const ApiAuth auth = threeTokens();
  for (const char* header :
       {"", "Bearer", "Bearer ", "Bearer  ", "Basic v-secret", "v-secret", "Bearer v-secret2",
        "Bearer v-secre", "Bearerv-secret", "Bearer V-SECRET", "Token v-secret"}) {
    EXPECT_EQ(auth.authenticate(header), nullptr) << header;
  }
  EXPECT_EQ(ApiAuth().authenticate("Bearer v-secret"), nullptr);
}

TEST(ApiAuthTest, RolesAndRights) {
  EXPECT_TRUE(apiRoleAllows(ApiRole::kViewer, ApiRight::kRead));
  EXPECT_FALSE(apiRoleAllows(ApiRole::kViewer, ApiRight::kAct));
  EXPECT_TRUE(apiRoleAllows(ApiRole::kDutyOfficer, ApiRight::kRead));
  EXPECT_TRUE(apiRoleAllows(ApiRole::kDutyOfficer, ApiRight::kAct));
  EXPECT_TRUE(apiRoleAllows(ApiRole::kLeader, ApiRight::kRead));
  EXPECT_TRUE(apiRoleAllows(ApiRole::kLeader, ApiRight::kAct));
  // The dead letters are for those on duty, not every viewer.
  EXPECT_FALSE(apiRoleAllows(ApiRole::kViewer, ApiRight::kReadDeadLetters));
  EXPECT_TRUE(apiRoleAllows(ApiRole::kDutyOfficer, ApiRight::kReadDeadLetters));
  EXPECT_TRUE(apiRoleAllows(ApiRole::kLeader, ApiRight::kReadDeadLetters));
  EXPECT_EQ(apiRoleName(ApiRole::kDutyOfficer), "duty_officer");
}

TEST(ApiAuthTest, FromConfigReadsTokenFiles) {
  TempDir tmp;
  const std::string file = tmp.path() + "/token";
  testing::writeFile(file, "from-a-file\n");
  AuthConfig config;
  config.tokens.push_back({"ops-bot", ApiRole::kViewer, "", file});
  config.tokens.push_back({"li", ApiRole::kLeader, "inline-secret", ""});
  auto auth = ApiAuth::fromConfig(config, /*demo=*/true);  // demo changes nothing with tokens given
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_FALSE(auth->usingDemoTokens());
  EXPECT_EQ(auth->size(), 2u);
  ASSERT_NE(auth->authenticate("Bearer from-a-file"), nullptr);
  EXPECT_EQ(auth->authenticate("Bearer from-a-file")->name, "ops-bot");
  EXPECT_EQ(auth->authenticate("Bearer inline-secret")->role, ApiRole::kLeader);
  EXPECT_EQ(auth->authenticate("Bearer demo-leader-token"), nullptr);
}

TEST(ApiAuthTest, BadTokenFilesNameTheKey) {
  TempDir tmp;
  AuthConfig config;
  config.tokens.push_back({"a", ApiRole::kViewer, "x", ""});
  config.tokens.push_back({"b", ApiRole::kViewer, "", tmp.path() + "/missing"});
  auto auth = ApiAuth::fromConfig(config, false);
  ASSERT_FALSE(auth.ok());
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("auth.tokens[1].token_file"));
  testing::writeFile(tmp.path() + "/two", "one two\n");
  config.tokens[1].token_file = tmp.path() + "/two";
  auth = ApiAuth::fromConfig(config, false);
  ASSERT_FALSE(auth.ok());
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("one token on one line"));
  testing::writeFile(tmp.path() + "/empty", "\n\n");
  config.tokens[1].token_file = tmp.path() + "/empty";
  EXPECT_FALSE(ApiAuth::fromConfig(config, false).ok());
}

TEST(ApiAuthTest, DemoTokensOnlyInDemoModeWithoutTokens) {
  auto demo = ApiAuth::fromConfig(AuthConfig{}, /*demo=*/true);
  ASSERT_TRUE(demo.ok());
  EXPECT_TRUE(demo->usingDemoTokens());
  ASSERT_EQ(demo->size(), 3u);
  EXPECT_EQ(demo->authenticate("Bearer demo-viewer-token")->role, ApiRole::kViewer);
  EXPECT_EQ(demo->authenticate("Bearer demo-duty-token")->role, ApiRole::kDutyOfficer);
  EXPECT_EQ(demo->authenticate("Bearer demo-leader-token")->role, ApiRole::kLeader);
  EXPECT_EQ(demo->authenticate("Bearer demo-leader-token")->name, "demo-leader");

  auto none = ApiAuth::fromConfig(AuthConfig{}, /*demo=*/false);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->size(), 0u);
  EXPECT_EQ(none->authenticate("Bearer demo-viewer-token"), nullptr);
}

}  // namespace
}  // namespace casewatch
