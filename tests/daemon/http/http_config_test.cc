// The `http` and `auth` sections of the configuration: defaults, every key, and each bad value
// reported at its key path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"
#include "tests/fakes/file_contents.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::errorAt;
using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST(HttpConfigTest, Defaults) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.http.listen, "127.0.0.1:9470");
  EXPECT_EQ(r.config.http.max_body_bytes, 1048576u);
  EXPECT_EQ(r.config.http.idle_timeout_seconds, 60);
  EXPECT_EQ(r.config.http.header_timeout_seconds, 10);
  EXPECT_EQ(r.config.http.max_connections, 1024u);
  EXPECT_EQ(r.config.http.max_connections_per_client, 32u);
  EXPECT_EQ(r.config.http.max_event_streams, 64u);
  EXPECT_EQ(r.config.http.max_event_streams_per_client, 4u);
  EXPECT_TRUE(r.config.auth.tokens.empty());
}

TEST(HttpConfigTest, LimitsAreReadAndAPerClientCapAboveTheTotalIsRefused) {
  const ConfigResult r = loadConfig(
      "http:\n  header_timeout_seconds: 3\n  max_connections: 100\n"
      "  max_connections_per_client: 10\n  max_event_streams: 8\n"
      "  max_event_streams_per_client: 2\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.http.header_timeout_seconds, 3);
  EXPECT_EQ(r.config.http.max_connections_per_client, 10u);
  EXPECT_EQ(r.config.http.max_event_streams_per_client, 2u);
  const ConfigResult bad = loadConfig(
      "http:\n  max_connections: 10\n  max_connections_per_client: 11\n"
      "  max_event_streams: 1\n  max_event_streams_per_client: 2\n  header_timeout_seconds: 0\n"
      "  max_connection: 5\n");
  EXPECT_THAT(errorAt(bad, "http.max_connections_per_client"),
              HasSubstr("must be at most max_connections (10), got 11"));
  EXPECT_THAT(errorAt(bad, "http.max_event_streams_per_client"),
              HasSubstr("must be at most max_event_streams (1), got 2"));
  EXPECT_THAT(errorAt(bad, "http.header_timeout_seconds"), HasSubstr("got 0"));
  EXPECT_THAT(errorAt(bad, "http.max_connection"), HasSubstr("unknown key"));
}

TEST(HttpConfigTest, PrintRedactsInlineTokensButNotTokenFiles) {
  testing::TempDir tmp;
  const std::string file = tmp.path() + "/bot.token";
  testing::writeFile(file, "s3cret-in-a-file\n");
  const ConfigResult r = loadConfig(
      "auth:\n  tokens:\n    - {name: li, role: duty_officer, token: s3cret-inline}\n"
      "    - {name: bot, token_file: " +
      file + "}\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  const std::string shown = formatConfigYaml(r.config, /*redact_secrets=*/true);
  EXPECT_THAT(shown, ::testing::Not(HasSubstr("s3cret-inline")));
  EXPECT_THAT(shown, HasSubstr("token: \"<redacted>\""));
  EXPECT_THAT(shown, HasSubstr(file));  // a path, not a secret
  EXPECT_THAT(shown, ::testing::Not(HasSubstr("s3cret-in-a-file")));
  // Unredacted, it is a round trip.
  EXPECT_THAT(formatConfigYaml(r.config), HasSubstr("s3cret-inline"));
}

TEST(HttpConfigTest, EveryKey) {
  testing::TempDir tmp;
  const std::string file = tmp.path() + "/t";
  testing::writeFile(file, "secret\n");
  const ConfigResult r = loadConfig(
      "http:\n  listen: \"[::1]:0\"\n  max_body_bytes: 4096\n  idle_timeout_seconds: 5\n"
      "auth:\n  tokens:\n    - {name: li, role: duty_officer, token: abc}\n"
      "    - {name: bot, role: viewer, token_file: " +
      file + "}\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.http.listen, "[::1]:0");
  EXPECT_EQ(r.config.http.max_body_bytes, 4096u);
  EXPECT_EQ(r.config.http.idle_timeout_seconds, 5);
  ASSERT_THAT(r.config.auth.tokens, SizeIs(2));
  EXPECT_EQ(r.config.auth.tokens[0].name, "li");
  EXPECT_EQ(r.config.auth.tokens[0].role, ApiRole::kDutyOfficer);
  EXPECT_EQ(r.config.auth.tokens[0].token, "abc");
  EXPECT_EQ(r.config.auth.tokens[1].token_file, file);
  // The effective configuration prints and loads back the same.
  const ConfigResult back = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(back.ok()) << back.describe();
  EXPECT_EQ(back.config, r.config);
}

TEST(HttpConfigTest, TokensFromSet) {
  const ConfigResult r = loadDefaultConfig({"auth.tokens=[{name: a, role: leader, token: t1}]",
                                            "auth.tokens.1={name: b, token: t2}", "http.listen="});
  ASSERT_TRUE(r.ok()) << r.describe();
  ASSERT_THAT(r.config.auth.tokens, SizeIs(2));
  EXPECT_EQ(r.config.auth.tokens[1].role, ApiRole::kViewer);  // the default role
  EXPECT_EQ(r.config.http.listen, "");                        // off
}

TEST(HttpConfigTest, BadValuesAtTheirPaths) {
  const ConfigResult r = loadConfig(
      "http:\n  listen: localhost\n  max_body_bytes: 2000000\n  idle_timeout_seconds: 0\n"
      "  threads: 4\n"
      "auth:\n  tokens:\n"
      "    - {name: a, role: admin, token: x1}\n"
      "    - {name: a, role: viewer, token: x2}\n"
      "    - {name: c, role: viewer, token: x2}\n"
      "    - {name: d, role: viewer}\n"
      "    - {name: e, role: viewer, token: x5, token_file: /etc/hostname}\n"
      "    - {name: '', role: viewer, token: 'has space'}\n"
      "    - {name: g, role: viewer, token_file: /nonexistent/token}\n"
      "    - {name: h, role: viewer, secret: x}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(errorAt(r, "http.listen"), HasSubstr("expected host:port"));
  EXPECT_THAT(errorAt(r, "http.max_body_bytes"), HasSubstr("between 1 and 1048576"));
  EXPECT_THAT(errorAt(r, "http.idle_timeout_seconds"), HasSubstr("between 1 and 86400"));
  EXPECT_THAT(errorAt(r, "http.threads"), HasSubstr("unknown key"));
  EXPECT_THAT(errorAt(r, "auth.tokens[0].role"), HasSubstr("viewer, duty_officer, leader"));
  EXPECT_THAT(errorAt(r, "auth.tokens[1].name"), HasSubstr("duplicate token name"));
  EXPECT_THAT(errorAt(r, "auth.tokens[2].token"), HasSubstr("the same token as auth.tokens[1]"));
  EXPECT_THAT(errorAt(r, "auth.tokens[3]"), HasSubstr("exactly one of token and token_file"));
  EXPECT_THAT(errorAt(r, "auth.tokens[4]"), HasSubstr("exactly one of token and token_file"));
  EXPECT_THAT(errorAt(r, "auth.tokens[5].name"), HasSubstr("must not be empty"));
  EXPECT_THAT(errorAt(r, "auth.tokens[5].token"), HasSubstr("spaces"));
  EXPECT_THAT(errorAt(r, "auth.tokens[6].token_file"), HasSubstr("cannot read"));
  EXPECT_THAT(errorAt(r, "auth.tokens[7].secret"), HasSubstr("unknown key"));
}

}  // namespace
}  // namespace casewatch
