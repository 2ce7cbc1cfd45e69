// `casewatch feedgen` end to end, in-process: files, option errors, and ZeroMQ publishing to a
// PULL socket on loopback (tools/feedgen/feedgen_command.h).
#include "tools/feedgen/feedgen_command.h"
#include "tests/fakes/file_contents.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

namespace casewatch::feedgen {
namespace {

using casewatch::testing::readFile;
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

FeedgenRun smallRun(const std::string& name) {
  FeedgenRun run;
  run.generator.cases = 300;
  run.generator.days = 40;
  run.out = ::testing::TempDir() + "/" + name + ".jsonl";
  return run;
}

TEST(FeedgenCommandTest, WritesTheSameFileTwiceAndATruthFile) {
  FeedgenRun a = smallRun("feedgen_cmd_a");
  a.truth = ::testing::TempDir() + "/feedgen_cmd_truth.jsonl";
  FeedgenRun b = smallRun("feedgen_cmd_b");
  ASSERT_EQ(runFeedgen(a), 0);
  ASSERT_EQ(runFeedgen(b), 0);
  const std::string feed = readFile(a.out);
  ASSERT_FALSE(feed.empty());
  EXPECT_EQ(feed, readFile(b.out));
  EXPECT_EQ(feed.back(), '\n');

  const std::vector<std::string> truth = lines(readFile(a.truth));
  ASSERT_FALSE(truth.empty());
  const auto meta = nlohmann::json::parse(truth.back());
  EXPECT_EQ(meta["kind"], "meta");
  EXPECT_EQ(meta["cases"], 300);
  EXPECT_EQ(meta["events"], lines(feed).size());
  const auto last_event = nlohmann::json::parse(lines(feed).back());
  EXPECT_EQ(meta["end"], last_event["ts"]);
  std::remove(a.out.c_str());
  std::remove(b.out.c_str());
  std::remove(a.truth.c_str());
}

TEST(FeedgenCommandTest, RejectsBadOptions) {
  FeedgenRun bad_date = smallRun("feedgen_cmd_bad");
  bad_date.start = "2026-02-30";
  EXPECT_EQ(runFeedgen(bad_date), 2);
  FeedgenRun bad_regions = smallRun("feedgen_cmd_bad");
  bad_regions.generator.regions = 21;
  EXPECT_EQ(runFeedgen(bad_regions), 2);
  FeedgenRun bad_cases = smallRun("feedgen_cmd_bad");
  bad_cases.generator.cases = 0;
  EXPECT_EQ(runFeedgen(bad_cases), 2);
  FeedgenRun bad_out = smallRun("feedgen_cmd_bad");
  bad_out.out = ::testing::TempDir() + "/no/such/dir/feed.jsonl";
  EXPECT_EQ(runFeedgen(bad_out), 1);
}

TEST(FeedgenCommandTest, PublishesTwoFrameMessagesToAPullSocket) {
  zmq::context_t ctx;
  zmq::socket_t pull(ctx, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvtimeo, 10000);
  pull.bind("tcp://127.0.0.1:*");
  const std::string endpoint = pull.get(zmq::sockopt::last_endpoint);

  FeedgenRun file_run = smallRun("feedgen_cmd_zmq");
  ASSERT_EQ(runFeedgen(file_run), 0);
  const std::vector<std::string> expected = lines(readFile(file_run.out));
  std::remove(file_run.out.c_str());

  FeedgenRun zmq_run = smallRun("unused");
  zmq_run.out.clear();  // publish only
  zmq_run.publish = endpoint;
  zmq_run.rate = 0;
  int rc = -1;
  std::thread publisher([&] { rc = runFeedgen(zmq_run); });
  std::vector<std::string> received;
  while (received.size() < expected.size()) {
    zmq::message_t topic, body;
    if (!pull.recv(topic)) break;  // timed out
    ASSERT_TRUE(topic.more());
    ASSERT_TRUE(pull.recv(body));
    ASSERT_FALSE(body.more());
    const auto event = nlohmann::json::parse(body.to_string());
    EXPECT_EQ(topic.to_string(), event["type"].get<std::string>());
    received.push_back(body.to_string());
  }
  publisher.join();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(received, expected);
}

}  // namespace
}  // namespace casewatch::feedgen
