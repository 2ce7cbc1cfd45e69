#include "daemon/config_loader.h"

#include "alerts/sinks/console/console_config.h"
#include "alerts/sinks/zmq_bus/zmq_bus_config.h"
#include "config/loader.h"
#include "connectors/zmq_feed/zmq_feed_config.h"
#include "daemon/component_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>
#include "tests/source_paths.h"

namespace casewatch {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kTestdata = std::string(CASEWATCH_TESTDATA_DIR) + "/config/";
const std::string kShippedConfig = std::string(CASEWATCH_SOURCE_DIR) + "/config/casewatch.yaml";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The defaults as the structs define them, plus the one default feed that casewatch.yaml adds.
Config expectedDefaults() {
  Config c;
  FeedConfig feed;
  feed.name = "default";
  feed.kind = "zmq_pull";
  feed.endpoint = "tcp://127.0.0.1:5570";
  feed.own.set(ZmqFeedConfig{});  // bind: true
  c.feeds.push_back(feed);
  return c;
}

// A feed's ZeroMQ keys (the defaults for a feed of another kind).
const ZmqFeedConfig& zmqOf(const FeedConfig& f) {
  return f.own.get<ZmqFeedConfig>();
}

// All messages reported at `path`.
std::vector<std::string> messagesAt(const ConfigResult& r, const std::string& path) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors) {
    if (e.path == path) out.push_back(e.message);
  }
  return out;
}

// The single message at `path` ("" and a test failure if there is not exactly one).
std::string messageAt(const ConfigResult& r, const std::string& path) {
  const std::vector<std::string> messages = messagesAt(r, path);
  EXPECT_THAT(messages, SizeIs(1)) << "at " << path << "; all errors:\n" << r.describe();
  return messages.size() == 1 ? messages[0] : "";
}

// --- defaults and the shipped file ---

TEST(ConfigLoaderTest, DefaultsLoadCleanAndEqualStructDefaults) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config, expectedDefaults());
  EXPECT_EQ(r.config.clocks.utc_offset_minutes, 480);
}

TEST(ConfigLoaderTest, ShippedFileDocumentsEveryKeyWithTheStructDefaults) {
  const std::string text = readFile(kShippedConfig);
  ASSERT_FALSE(text.empty()) << kShippedConfig;
  // Decoded alone, over the struct defaults, with every key the loader knows required: a key
  // missing from the doc, or a documented value that differs from the code, fails here.
  const ConfigResult alone = decodeConfigForTest(text, /*require_every_key=*/true);
  ASSERT_TRUE(alone.ok()) << alone.describe();
  EXPECT_EQ(alone.config, expectedDefaults());

  const ConfigResult file = loadConfigFile(kShippedConfig);
  ASSERT_TRUE(file.ok()) << file.describe();
  EXPECT_EQ(file.config, expectedDefaults());
  // The binary embeds the current file.
  EXPECT_EQ(embeddedDefaultConfigYaml(), text);
}

TEST(ConfigLoaderTest, RequireEveryKeyCatchesAnUndocumentedKey) {
  // The guard above must be able to fail: drop one key from the shipped text.
  std::string text = readFile(kShippedConfig);
  const size_t at = text.find("  recheck_days: 30\n");
  ASSERT_NE(at, std::string::npos);
  text.erase(at, std::string("  recheck_days: 30\n").size());
  const ConfigResult r = decodeConfigForTest(text, true);
  EXPECT_THAT(messageAt(r, "clocks.recheck_days"), HasSubstr("missing"));
  EXPECT_THAT(r.errors, SizeIs(1));
}

TEST(ConfigLoaderTest, ShippedFileHasACommentAboveEveryKey) {
  std::istringstream in(readFile(kShippedConfig));
  const std::regex leaf(R"(^\s*(- )?[a-z0-9_]+: \S.*$)");  // a key with its value on the line
  std::string line;
  std::string previous;
  int leaves = 0;
  while (std::getline(in, line)) {
    if (std::regex_match(line, leaf)) {
      ++leaves;
      const size_t first = previous.find_first_not_of(' ');
      EXPECT_TRUE(first != std::string::npos && previous[first] == '#')
          << "no comment line above: " << line;
    }
    previous = line;
  }
  // As many as the tables and sections write (tests/daemon/component_keys_test.cc holds the file
  // to exactly those keys), so a key without its comment line cannot hide.
  EXPECT_EQ(leaves, static_cast<int>(configKeyPaths(formatConfigYaml(expectedDefaults())).size()));
}

// --- good files ---

TEST(ConfigLoaderTest, MinimalFileMergesOverDefaults) {
  const ConfigResult r = loadConfigFile(kTestdata + "good_minimal.yaml");
  ASSERT_TRUE(r.ok()) << r.describe();
  Config want = expectedDefaults();
  want.data_dir = "/var/lib/casewatch";
  want.clocks.handling_days = 90;
  want.clocks.day_count = DayCount::kWorking;
  EXPECT_EQ(r.config, want);
}

TEST(ConfigLoaderTest, FullFileSetsEveryKey) {
  const ConfigResult r = loadConfigFile(kTestdata + "good_full.yaml");
  ASSERT_TRUE(r.ok()) << r.describe();
  const Config& c = r.config;
  EXPECT_EQ(c.data_dir, "/srv/casewatch");
  EXPECT_EQ(c.metrics_listen, "[::1]:9500");
  ASSERT_THAT(c.feeds, SizeIs(2));  // replaced, not appended to the default feed
  EXPECT_EQ(c.feeds[0].name, "bus");
  EXPECT_EQ(c.feeds[0].kind, "zmq_sub");
  EXPECT_EQ(c.feeds[0].endpoint, "tcp://10.1.2.3:5570");
  EXPECT_FALSE(zmqOf(c.feeds[0]).bind);
  EXPECT_THAT(zmqOf(c.feeds[0]).topics, ElementsAre("case.", "visit"));
  EXPECT_EQ(zmqOf(c.feeds[0]).rcvhwm, 20000);
  EXPECT_EQ(c.feeds[1].name, "backfill");
  EXPECT_EQ(c.feeds[1].kind, "jsonl");
  EXPECT_EQ(c.feeds[1].endpoint, "-");
  EXPECT_TRUE(zmqOf(c.feeds[1]).bind);         // struct default for a key not given
  EXPECT_EQ(zmqOf(c.feeds[1]).rcvhwm, 10000);  // likewise
  EXPECT_EQ(c.sinks.get<ZmqBusConfig>().endpoint, "ipc:///run/casewatch/alerts");
  EXPECT_EQ(c.locale, "zh-CN");
  EXPECT_EQ(c.log_format, LogFormat::kJson);
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_FALSE(c.sinks.get<ConsoleConfig>().print_alerts);
  EXPECT_EQ(c.clock, ClockSource::kEvent);
  EXPECT_TRUE(c.demo);
  EXPECT_EQ(c.pseudonym.key_file, "/etc/casewatch/key");
  EXPECT_EQ(c.pseudonym.key_env, "SITE_KEY");
  EXPECT_EQ(c.ingest.orphan_horizon_hours, 0);
  EXPECT_EQ(c.ingest.max_message_bytes, 1048576u);
  EXPECT_EQ(c.ingest.dead_letter_max_bytes, 512u);
  EXPECT_EQ(c.ingest.max_persons, 50u);
  EXPECT_EQ(c.clocks.procedural_reply_days, 5);
  EXPECT_EQ(c.clocks.routing_days, 10);
  EXPECT_EQ(c.clocks.handling_days, 90);
  EXPECT_EQ(c.clocks.review_days, 20);
  EXPECT_EQ(c.clocks.recheck_days, 25);
  EXPECT_EQ(c.clocks.day_count, DayCount::kWorking);
  EXPECT_EQ(c.clocks.utc_offset_minutes, -330);
  EXPECT_EQ(c.clocks.warning_days, 0);
  EXPECT_EQ(c.clocks.red_after_days, 3650);
  ASSERT_THAT(c.clocks.overrides, SizeIs(3));
  EXPECT_EQ(c.clocks.overrides[0].agency, "zunyi-procuratorate");
  EXPECT_EQ(c.clocks.overrides[0].channel, "");
  EXPECT_EQ(c.clocks.overrides[0].handling_days, 90);
  EXPECT_EQ(c.clocks.overrides[0].day_count, DayCount::kWorking);
  EXPECT_EQ(c.clocks.overrides[0].routing_days, std::nullopt);
  EXPECT_EQ(c.clocks.overrides[1].channel, "visit");
  EXPECT_EQ(c.clocks.overrides[1].procedural_reply_days, 3);
  EXPECT_EQ(c.clocks.overrides[1].day_count, std::nullopt);
  EXPECT_EQ(c.clocks.overrides[2].routing_days, 1);
  EXPECT_EQ(c.clocks.overrides[2].review_days, 3650);
  EXPECT_EQ(c.clocks.overrides[2].recheck_days, 7);
  EXPECT_EQ(c.store.commit_interval_ms, 10000);
  EXPECT_EQ(c.store.commit_max_events, 1000000u);
  EXPECT_FALSE(c.store.fsync);
}

TEST(ConfigLoaderTest, FormattedConfigLoadsBackEqual) {
  const ConfigResult full = loadConfigFile(kTestdata + "good_full.yaml");
  ASSERT_TRUE(full.ok()) << full.describe();
  const ConfigResult back = loadConfig(formatConfigYaml(full.config));
  ASSERT_TRUE(back.ok()) << back.describe() << "\n" << formatConfigYaml(full.config);
  EXPECT_EQ(back.config, full.config);

  const ConfigResult defaults = decodeConfigForTest(formatConfigYaml(expectedDefaults()), true);
  ASSERT_TRUE(defaults.ok()) << defaults.describe();
  EXPECT_EQ(defaults.config, expectedDefaults());
}

TEST(ConfigLoaderTest, ListsReplaceAndMapsMerge) {
  const ConfigResult r =
      loadConfig("feeds:\n  - {name: only, endpoint: 'inproc://x'}\nclocks:\n  routing_days: 3\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  ASSERT_THAT(r.config.feeds, SizeIs(1));
  EXPECT_EQ(r.config.feeds[0].name, "only");
  EXPECT_EQ(r.config.clocks.routing_days, 3);
  EXPECT_EQ(r.config.clocks.handling_days, 60);  // sibling key kept from the defaults

  const ConfigResult none = loadConfig("feeds: []\n");
  ASSERT_TRUE(none.ok()) << none.describe();
  EXPECT_THAT(none.config.feeds, IsEmpty());
}

TEST(ConfigLoaderTest, SectionWithEverythingCommentedOutKeepsDefaults) {
  const ConfigResult r = loadConfig("clocks:\n  # handling_days: 90\nstore:\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config, expectedDefaults());
  EXPECT_TRUE(loadConfig("").ok());
  EXPECT_TRUE(loadConfig("# nothing but a comment\n").ok());
}

TEST(ConfigLoaderTest, TimezoneForms) {
  EXPECT_EQ(loadConfig("clocks: {timezone: Z}").config.clocks.utc_offset_minutes, 0);
  EXPECT_EQ(loadConfig("clocks: {timezone: '+05:45'}").config.clocks.utc_offset_minutes, 345);
  const ConfigResult bad = loadConfig("clocks: {timezone: '8'}");
  EXPECT_THAT(messageAt(bad, "clocks.timezone"), HasSubstr("expected a UTC offset"));
}

TEST(ConfigLoaderTest, MetricsListenForms) {
  for (const char* ok : {"0.0.0.0:0", "[::]:9464", "localhost:65535", ""}) {
    const ConfigResult r = loadConfig(std::string("metrics: {listen: '") + ok + "'}");
    EXPECT_TRUE(r.ok()) << ok << ": " << r.describe();
    EXPECT_EQ(r.config.metrics_listen, ok);
  }
  for (const char* bad : {"localhost", "host:65536", "::1:80", ":80", "host:", "host:8o"}) {
    const ConfigResult r = loadConfig(std::string("metrics: {listen: '") + bad + "'}");
    EXPECT_THAT(messageAt(r, "metrics.listen"), HasSubstr("expected host:port")) << bad;
  }
  // --set values are YAML: unquoted, "[::]:9464" is a list.
  const ConfigResult unquoted = loadDefaultConfig({"metrics.listen=[::]:9464"});
  EXPECT_THAT(messageAt(unquoted, "metrics.listen"),
              AllOf(HasSubstr("expected a string, got a list"), HasSubstr("quote the value")));
  const ConfigResult quoted = loadDefaultConfig({"metrics.listen='[::]:9464'"});
  ASSERT_TRUE(quoted.ok()) << quoted.describe();
  EXPECT_EQ(quoted.config.metrics_listen, "[::]:9464");
}

TEST(ConfigLoaderTest, HolidayCalendarMustBeReadable) {
  const ConfigResult ok =
      loadDefaultConfig({"clocks.holiday_calendar=" + kTestdata + "holidays.txt"});
  ASSERT_TRUE(ok.ok()) << ok.describe();
  EXPECT_EQ(ok.config.clocks.holiday_calendar, kTestdata + "holidays.txt");

  const ConfigResult missing =
      loadDefaultConfig({"clocks.holiday_calendar=" + kTestdata + "no-such-file.txt"});
  EXPECT_THAT(messageAt(missing, "clocks.holiday_calendar"),
              AllOf(HasSubstr("cannot read"), HasSubstr("no-such-file.txt")));

  const ConfigResult dir = loadDefaultConfig({"clocks.holiday_calendar=" + kTestdata});
  EXPECT_THAT(messageAt(dir, "clocks.holiday_calendar"), HasSubstr("directory"));
}

// --- bad files ---

TEST(ConfigLoaderTest, UnknownKeysAtEveryLevel) {
  const std::string file = kTestdata + "bad_unknown_nested.yaml";
  const ConfigResult r = loadConfigFile(file);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(messageAt(r, "clocks.handlng_days"),
            "unknown key (did you mean \"handling_days\"?) (at " + file + ":2:3)");
  EXPECT_THAT(messageAt(r, "clocks.overrides[0].colour"), HasSubstr("unknown key"));
  EXPECT_THAT(messageAt(r, "feeds[0].hwm"), HasSubstr("unknown key"));
  EXPECT_THAT(messageAt(r, "stor"),
              AllOf(HasSubstr("unknown key"), HasSubstr("did you mean \"store\"")));
  EXPECT_THAT(r.errors, SizeIs(4)) << r.describe();
}

TEST(ConfigLoaderTest, WrongTypes) {
  const ConfigResult r = loadConfigFile(kTestdata + "bad_types.yaml");
  EXPECT_THAT(messageAt(r, "data_dir"), HasSubstr("expected a string, got a list"));
  // Only true/false: YAML 1.1's yes/no are too easy to write by accident.
  EXPECT_THAT(messageAt(r, "print_alerts"), HasSubstr("expected true or false, got \"yes\""));
  EXPECT_THAT(messageAt(r, "clocks.handling_days"), HasSubstr("expected an integer"));
  EXPECT_THAT(messageAt(r, "clocks.review_days"),
              HasSubstr("expected an integer, got the quoted string \"30\" (remove the quotes)"));
  EXPECT_THAT(messageAt(r, "clocks.recheck_days"), HasSubstr("expected an integer, got \"1.5\""));
  EXPECT_THAT(messageAt(r, "clocks.overrides"), HasSubstr("expected a list, got a map"));
  EXPECT_THAT(messageAt(r, "store.fsync"), HasSubstr("expected true or false"));
  // An empty value is located at its key (yaml-cpp marks it at the next token).
  EXPECT_EQ(messageAt(r, "store.commit_max_events"),
            "expected an integer, got nothing (null) (at " + kTestdata + "bad_types.yaml:10:3)");
  EXPECT_THAT(messageAt(r, "ingest"), HasSubstr("expected a map"));
  EXPECT_THAT(r.errors, SizeIs(9)) << r.describe();
}

TEST(ConfigLoaderTest, RangesAllReportedAtOnce) {
  const ConfigResult r = loadConfigFile(kTestdata + "bad_ranges.yaml");
  EXPECT_THAT(messageAt(r, "clocks.procedural_reply_days"),
              HasSubstr("must be between 1 and 3650, got 0"));
  EXPECT_THAT(messageAt(r, "clocks.routing_days"), HasSubstr("between 1 and 3650, got 3651"));
  EXPECT_THAT(messageAt(r, "clocks.warning_days"), HasSubstr("between 0 and 365, got 366"));
  EXPECT_THAT(messageAt(r, "clocks.red_after_days"), HasSubstr("between 0 and 3650, got -1"));
  EXPECT_THAT(messageAt(r, "clocks.overrides[0].handling_days"), HasSubstr("between 1 and 3650"));
  EXPECT_THAT(messageAt(r, "feeds[0].rcvhwm"), HasSubstr("got -1"));
  EXPECT_THAT(messageAt(r, "ingest.orphan_horizon_hours"), HasSubstr("between 0 and 8760"));
  EXPECT_THAT(messageAt(r, "ingest.max_message_bytes"), HasSubstr("must be at least 1, got 0"));
  EXPECT_THAT(messageAt(r, "ingest.dead_letter_max_bytes"), HasSubstr("at least 1"));
  EXPECT_THAT(messageAt(r, "ingest.max_persons"), HasSubstr("at least 1"));
  EXPECT_THAT(messageAt(r, "store.commit_interval_ms"), HasSubstr("between 1 and 10000"));
  EXPECT_THAT(messageAt(r, "store.commit_max_events"), HasSubstr("between 1 and 1000000"));
  // One mistake, one error: the override's bad day key does not also count as "no day key".
  EXPECT_THAT(messagesAt(r, "clocks.overrides[0]"), IsEmpty());
  EXPECT_THAT(r.errors, SizeIs(12)) << r.describe();
}

TEST(ConfigLoaderTest, EnumsListTheAllowedValues) {
  const ConfigResult r = loadConfigFile(kTestdata + "bad_enums.yaml");
  EXPECT_THAT(messageAt(r, "locale"), HasSubstr("expected one of en, zh-CN; got \"fr\""));
  EXPECT_THAT(messageAt(r, "log.format"), HasSubstr("expected one of text, json"));
  EXPECT_THAT(messageAt(r, "log.level"),
              HasSubstr("expected one of trace, debug, info, warn, error; got \"verbose\""));
  EXPECT_THAT(messageAt(r, "clock"), HasSubstr("expected one of wall, event"));
  EXPECT_THAT(messageAt(r, "clocks.day_count"), HasSubstr("expected one of calendar, working"));
  EXPECT_THAT(messageAt(r, "clocks.timezone"), HasSubstr("\"Asia/Shanghai\""));
  EXPECT_THAT(messageAt(r, "feeds[0].kind"),
              HasSubstr("expected one of zmq_pull, zmq_sub, jsonl; got \"zmq_push\""));
  EXPECT_THAT(r.errors, SizeIs(7)) << r.describe();
}

TEST(ConfigLoaderTest, FeedChecks) {
  const ConfigResult r = loadConfigFile(kTestdata + "bad_feeds.yaml");
  EXPECT_THAT(messageAt(r, "feeds[1].name"),
              AllOf(HasSubstr("duplicate feed name \"a\""), HasSubstr("feeds[0]")));
  EXPECT_THAT(messageAt(r, "feeds[2].name"), HasSubstr("must not be empty"));
  EXPECT_THAT(messageAt(r, "feeds[2].endpoint"), HasSubstr("expected a ZeroMQ endpoint"));
  EXPECT_THAT(messageAt(r, "feeds[3].topics"), HasSubstr("only allowed for kind zmq_sub"));
  // A key left out is located at its list item.
  EXPECT_EQ(messageAt(r, "feeds[4].endpoint"),
            "must not be empty (at " + kTestdata + "bad_feeds.yaml:11:5)");
  EXPECT_THAT(messageAt(r, "feeds[5].topics"), HasSubstr("only allowed for kind zmq_sub"));
  EXPECT_THAT(messageAt(r, "metrics.listen"), HasSubstr("expected host:port"));
  EXPECT_THAT(messageAt(r, "publish.zmq"), HasSubstr("expected a ZeroMQ endpoint"));
  EXPECT_THAT(r.errors, SizeIs(8)) << r.describe();
}

TEST(ConfigLoaderTest, OverrideChecks) {
  const ConfigResult r = loadConfigFile(kTestdata + "bad_overrides.yaml");
  EXPECT_THAT(messageAt(r, "clocks.overrides[0]"),
              HasSubstr("must name an agency, a channel or both"));
  EXPECT_THAT(messageAt(r, "clocks.overrides[1]"), HasSubstr("at least one of"));
  EXPECT_THAT(messageAt(r, "clocks.overrides[2].channel"),
              HasSubstr("expected one of visit, letter, online, phone; got \"fax\""));
  EXPECT_THAT(messageAt(r, "clocks.overrides[4]"),
              AllOf(HasSubstr("same agency and channel"), HasSubstr("clocks.overrides[3]")));
  // A channel with only day_count is a valid override (e.g. letters counted in working days).
  EXPECT_THAT(messagesAt(r, "clocks.overrides[5]"), IsEmpty());
  EXPECT_THAT(r.errors, SizeIs(4)) << r.describe();
}

TEST(ConfigLoaderTest, SyntaxErrorGivesFileLineAndColumn) {
  const std::string file = kTestdata + "bad_syntax.yaml";
  const ConfigResult r = loadConfigFile(file);
  ASSERT_THAT(r.errors, SizeIs(1));
  EXPECT_THAT(r.errors[0].path, ::testing::MatchesRegex(".*bad_syntax\\.yaml:[34]:[0-9]+"));
  EXPECT_FALSE(r.errors[0].message.empty());

  const ConfigResult inline_text = loadConfig("a: b: c\n", {}, "site.yaml");
  ASSERT_THAT(inline_text.errors, SizeIs(1));
  EXPECT_EQ(inline_text.errors[0].path, "site.yaml:1:5");
}

TEST(ConfigLoaderTest, TopLevelMustBeAMap) {
  const std::string file = kTestdata + "bad_toplevel.yaml";
  const ConfigResult r = loadConfigFile(file);
  EXPECT_EQ(messageAt(r, file), "expected a map of settings at the top level, got a list");
}

TEST(ConfigLoaderTest, DuplicateKeyIsAnError) {
  const std::string file = kTestdata + "bad_duplicate_key.yaml";
  const ConfigResult r = loadConfigFile(file);
  EXPECT_EQ(messageAt(r, "clocks.handling_days"), "duplicate key (at " + file + ":3:3)");
}

TEST(ConfigLoaderTest, MissingFile) {
  const std::string file = kTestdata + "does-not-exist.yaml";
  const ConfigResult r = loadConfigFile(file);
  EXPECT_THAT(messageAt(r, file), HasSubstr("cannot read the config file"));
}

TEST(ConfigLoaderTest, DescribeIsOneLinePerError) {
  const ConfigResult r = loadConfig("locale: fr\nstore: {fsync: 1}\n");
  EXPECT_EQ(r.describe(),
            "locale: expected one of en, zh-CN; got \"fr\" (at <config>:1:9)\n"
            "store.fsync: expected true or false, got \"1\" (at <config>:2:16)");
}

// --- --set ---

TEST(ConfigLoaderTest, SetNestedMapListAndAppend) {
  const ConfigResult r = loadDefaultConfig({
      "clocks.handling_days=15",
      "feeds.0.endpoint=tcp://10.0.0.5:5570",
      "feeds.0.bind=false",
      "feeds.0.insecure=true",  // off loopback without CURVE
      "feeds.1.name=replay",    // index == size appends
      "feeds.1.kind=jsonl",
      "feeds.1.endpoint=/data/replay.jsonl",
      "clocks.overrides.0.agency=a",  // append to an empty list, then fill it in
      "clocks.overrides.0.handling_days=20",
      "clocks.timezone=-05:00",
      "metrics.listen=",  // empty value: the empty string (metrics off)
      "demo=true",
  });
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.clocks.handling_days, 15);
  ASSERT_THAT(r.config.feeds, SizeIs(2));
  EXPECT_EQ(r.config.feeds[0].name, "default");
  EXPECT_EQ(r.config.feeds[0].endpoint, "tcp://10.0.0.5:5570");
  EXPECT_FALSE(zmqOf(r.config.feeds[0]).bind);
  EXPECT_EQ(r.config.feeds[1].name, "replay");
  EXPECT_EQ(r.config.feeds[1].kind, "jsonl");
  ASSERT_THAT(r.config.clocks.overrides, SizeIs(1));
  EXPECT_EQ(r.config.clocks.overrides[0].agency, "a");
  EXPECT_EQ(r.config.clocks.overrides[0].handling_days, 20);
  EXPECT_EQ(r.config.clocks.utc_offset_minutes, -300);
  EXPECT_EQ(r.config.metrics_listen, "");
  EXPECT_TRUE(r.config.demo);
}

TEST(ConfigLoaderTest, SetValuesAreYaml) {
  const ConfigResult r =
      loadConfigFile(kTestdata + "good_minimal.yaml",
                     {"feeds=[]",
                      "clocks.overrides=[{agency: a, handling_days: 15}, {channel: visit, "
                      "review_days: 9}]",
                      "clocks={routing_days: 4}"});  // a map merges: other clocks keys stay
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_THAT(r.config.feeds, IsEmpty());
  ASSERT_THAT(r.config.clocks.overrides, SizeIs(2));
  EXPECT_EQ(r.config.clocks.overrides[0].handling_days, 15);
  EXPECT_EQ(r.config.clocks.overrides[1].channel, "visit");
  EXPECT_EQ(r.config.clocks.overrides[1].review_days, 9);
  EXPECT_EQ(r.config.clocks.routing_days, 4);
  EXPECT_EQ(r.config.clocks.handling_days, 90);  // from the file, kept
}

TEST(ConfigLoaderTest, SetAppliesAfterTheFile) {
  const ConfigResult r =
      loadConfigFile(kTestdata + "good_minimal.yaml", {"clocks.handling_days=30"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.clocks.handling_days, 30);
  EXPECT_EQ(r.config.data_dir, "/var/lib/casewatch");
}

TEST(ConfigLoaderTest, BadSets) {
  const ConfigResult r = loadDefaultConfig({
      "clocks.handling_days",      // no '='
      "data_dir.sub=1",            // into a scalar
      "feeds.5.name=x",            // index out of range (size 1)
      "feeds.first.name=x",        // not an index
      "clocks.handling_days=[1",   // value is not YAML
      "clocks..handling_days=1",   // empty segment
      "=1",                        // empty path
      "clocks.nope=1",             // unknown key: reported by validation at its path
      "clocks.routing_days=soon",  // wrong type: reported at its path
  });
  EXPECT_THAT(messageAt(r, "--set clocks.handling_days"), HasSubstr("expected key.path=value"));
  EXPECT_THAT(messageAt(r, "--set data_dir.sub=1"), HasSubstr("cannot go into data_dir"));
  EXPECT_THAT(messageAt(r, "--set feeds.5.name=x"),
              AllOf(HasSubstr("out of range"), HasSubstr("1 items")));
  EXPECT_THAT(messageAt(r, "--set feeds.first.name=x"), HasSubstr("not a list index"));
  EXPECT_THAT(messageAt(r, "--set clocks.handling_days=[1"), HasSubstr("not valid YAML"));
  EXPECT_THAT(messageAt(r, "--set clocks..handling_days=1"), HasSubstr("empty key"));
  EXPECT_THAT(messageAt(r, "--set =1"), HasSubstr("empty key"));
  EXPECT_EQ(messageAt(r, "clocks.nope"), "unknown key (from --set clocks.nope=1)");
  EXPECT_EQ(messageAt(r, "clocks.routing_days"),
            "expected an integer, got \"soon\" (from --set clocks.routing_days=soon)");
  EXPECT_THAT(r.errors, SizeIs(9)) << r.describe();
}

}  // namespace
}  // namespace casewatch
