#include "connectors/jsonl_feed/jsonl_feed.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/eventually.h"
#include "tests/fakes/feed_lines.h"

namespace casewatch {
namespace {

using testing::acceptedLine;
using ::testing::ElementsAre;
using testing::eventually;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// What a sequence of batches amounted to.
struct Seen {
  std::vector<std::string> ids;
  std::vector<Rejection> rejections;
  std::vector<size_t> batch_sizes;  // events + rejections per batch
  std::vector<bool> end_flags;
  void add(const DecodedBatch& b) {
    for (const CaseEvent& e : b.events) ids.push_back(e.event_id);
    for (const Rejection& r : b.rejections) rejections.push_back(r);
    batch_sizes.push_back(b.events.size() + b.rejections.size());
    end_flags.push_back(b.end_of_input);
  }
};

class JsonlFeedTest : public ::testing::Test {
 protected:
  std::string writeFile(const std::string& content) {
    const std::string path = ::testing::TempDir() + "jsonl_feed_test_" +
                             std::to_string(::getpid()) + "_" + std::to_string(files_.size()) +
                             ".jsonl";
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& f : files_) std::remove(f.c_str());
  }
  JsonlFeed::ReadOptions options(size_t batch_size = 4096) {
    return JsonlFeed::ReadOptions::from(feed_, ingest_, batch_size);
  }
  Seen readString(const std::string& content, size_t batch_size = 4096) {
    BatchDecoder decoder(pseudonymizer_, limits(), ingest_.dead_letter_max_bytes);
    Seen seen;
    EXPECT_TRUE(
        JsonlFeed::readFile(writeFile(content), decoder, options(batch_size), [&](DecodedBatch& b) {
          seen.add(b);
        }).ok());
    return seen;
  }
  DecoderLimits limits() const {
    DecoderLimits l;
    l.max_message_bytes = ingest_.max_message_bytes;
    return l;
  }

  static FeedConfig stdinFeed() {
    FeedConfig f;
    f.name = "replay";
    f.kind = "jsonl";
    f.endpoint = "-";
    return f;
  }

  FeedConfig feed_ = stdinFeed();
  IngestConfig ingest_;
  Pseudonymizer pseudonymizer_{Pseudonymizer::demoKey()};
  std::vector<std::string> files_;
};

TEST_F(JsonlFeedTest, SplitsLinesSkipsEmptyStripsCrAndTakesAnUnterminatedLastLine) {
  const std::string content = acceptedLine("a") + "\n" + "garbage\n" + "\n" + "\r\n" +
                              acceptedLine("b") + "\r\n" + "\n\n" + acceptedLine("c");
  FeedStats stats;
  BatchDecoder decoder(pseudonymizer_, limits(), ingest_.dead_letter_max_bytes);
  Seen seen;
  ASSERT_TRUE(JsonlFeed::readFile(
                  writeFile(content), decoder, options(),
                  [&](DecodedBatch& b) {
                    EXPECT_EQ(b.feed, "replay");
                    seen.add(b);
                  },
                  &stats)
                  .ok());
  EXPECT_THAT(seen.ids, ElementsAre("a", "b", "c"));
  ASSERT_EQ(seen.rejections.size(), 1u);
  EXPECT_EQ(seen.rejections[0].reason, RejectReason::kInvalidJson);
  EXPECT_THAT(seen.rejections[0].raw, StartsWith(R"({"dropped":"not_json","bytes":7,)"));
  EXPECT_EQ(seen.rejections[0].raw_size, 7u);
  EXPECT_GT(seen.rejections[0].received_at, 0);
  EXPECT_THAT(seen.end_flags, ElementsAre(true));
  EXPECT_EQ(stats.messages.load(), 4u);
  EXPECT_EQ(stats.bytes.load(), content.size());
  EXPECT_EQ(stats.batches.load(), 1u);
}

TEST_F(JsonlFeedTest, BatchesAreBoundedAndOnlyTheLastEndsInput) {
  std::string content;
  for (int i = 0; i < 7; ++i) content += acceptedLine("e" + std::to_string(i)) + "\n";
  const Seen seen = readString(content, 3);
  EXPECT_THAT(seen.batch_sizes, ElementsAre(3, 3, 1));
  EXPECT_THAT(seen.end_flags, ElementsAre(false, false, true));
  EXPECT_EQ(seen.ids.size(), 7u);

  // A full last batch is followed by an empty end-of-input one.
  const Seen exact = readString(acceptedLine("x") + "\n" + acceptedLine("y") + "\n", 2);
  EXPECT_THAT(exact.batch_sizes, ElementsAre(2, 0));
  EXPECT_THAT(exact.end_flags, ElementsAre(false, true));
}

TEST_F(JsonlFeedTest, EmptyInputStillEndsInput) {
  const Seen seen = readString("");
  EXPECT_THAT(seen.batch_sizes, ElementsAre(0));
  EXPECT_THAT(seen.end_flags, ElementsAre(true));
}

TEST_F(JsonlFeedTest, LinesOverTheLimitAreTooLargeAtEveryBoundary) {
  ingest_.max_message_bytes = 64;
  ingest_.dead_letter_max_bytes = 2048;
  const std::string at_limit(64, 'x');
  const std::string over(65, 'y');
  const Seen seen = readString(at_limit + "\n" + at_limit + "\r\n" + over + "\n" + over + "\r\n");
  ASSERT_EQ(seen.rejections.size(), 4u);
  EXPECT_NE(seen.rejections[0].reason, RejectReason::kTooLarge);
  EXPECT_NE(seen.rejections[1].reason, RejectReason::kTooLarge);
  EXPECT_EQ(seen.rejections[2].reason, RejectReason::kTooLarge);
  EXPECT_EQ(seen.rejections[3].reason, RejectReason::kTooLarge);
  // The '\r' is not part of the line; none of the line is kept (DeadLetterSanitiser).
  EXPECT_THAT(seen.rejections[3].raw, StartsWith(R"({"dropped":"too_large","bytes":65,)"));
  EXPECT_EQ(seen.rejections[3].raw_size, 65u);
  EXPECT_THAT(seen.rejections[2].detail, HasSubstr("too_large"));
}

TEST_F(JsonlFeedTest, AVeryLongLineIsRejectedKeepingOnlyItsSizeAndReadingGoesOn) {
  ingest_.max_message_bytes = 1024;
  ingest_.dead_letter_max_bytes = 64;
  // Longer than the read buffer, so it is skipped across several reads.
  std::string huge = "{\"pad\":\"";
  huge += std::string(3 * 1024 * 1024, 'z');
  huge += "\"}";
  const std::string content = acceptedLine("before") + "\n" + huge + "\r\n" +
                              acceptedLine("after") + "\n" +
                              huge;  // and once more, unterminated, at the end
  const Seen seen = readString(content);
  EXPECT_THAT(seen.ids, ElementsAre("before", "after"));
  ASSERT_EQ(seen.rejections.size(), 2u);
  for (const Rejection& r : seen.rejections) {
    EXPECT_EQ(r.reason, RejectReason::kTooLarge);
    EXPECT_EQ(r.raw, R"({"dropped":"too_large","bytes":)" + std::to_string(huge.size()) + "}");
    EXPECT_EQ(r.raw_size, huge.size());
  }
}

TEST_F(JsonlFeedTest, ChunkingOfThePipeDoesNotChangeTheResult) {
  ingest_.max_message_bytes = 200;
  ingest_.dead_letter_max_bytes = 10;
  std::mt19937 rng(42);
  std::string content;
  for (int i = 0; i < 300; ++i) {
    switch (rng() % 5) {
      case 0:
        content += "\n";
        break;
      case 1:
        content += std::string(150 + rng() % 200, 'q') + "\r\n";
        break;
      case 2:
        content += "junk" + std::to_string(i) + "\n";
        break;
      default:
        content += acceptedLine("e" + std::to_string(i)) + (rng() % 2 ? "\r\n" : "\n");
    }
  }
  const Seen expected = readString(content);

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    std::mt19937 wrng(7);
    size_t pos = 0;
    while (pos < content.size()) {
      const size_t n = std::min<size_t>(1 + wrng() % 300, content.size() - pos);
      ASSERT_EQ(::write(fds[1], content.data() + pos, n), static_cast<ssize_t>(n));
      pos += n;
    }
    ::close(fds[1]);
  });
  BatchDecoder decoder(pseudonymizer_, limits(), ingest_.dead_letter_max_bytes);
  Seen seen;
  ASSERT_TRUE(
      JsonlFeed::readAll(fds[0], decoder, options(), [&](DecodedBatch& b) { seen.add(b); }).ok());
  writer.join();
  ::close(fds[0]);

  EXPECT_EQ(seen.ids, expected.ids);
  ASSERT_EQ(seen.rejections.size(), expected.rejections.size());
  for (size_t i = 0; i < seen.rejections.size(); ++i) {
    EXPECT_EQ(seen.rejections[i].reason, expected.rejections[i].reason);
    EXPECT_EQ(seen.rejections[i].raw, expected.rejections[i].raw);
    EXPECT_EQ(seen.rejections[i].raw_size, expected.rejections[i].raw_size);
  }
  EXPECT_GT(seen.ids.size(), 50u);
  EXPECT_EQ(seen.end_flags.back(), true);
}

TEST_F(JsonlFeedTest, MissingFileIsAnErrorNamingThePath) {
  BatchDecoder decoder(pseudonymizer_, limits(), ingest_.dead_letter_max_bytes);
  const std::string path = ::testing::TempDir() + "no_such_dir/none.jsonl";
  const absl::Status status =
      JsonlFeed::readFile(path, decoder, options(), [](DecodedBatch&) { FAIL(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));

  FeedConfig config = feed_;
  config.endpoint = path;
  JsonlFeed feed(config, ingest_, pseudonymizer_);
  const absl::Status start = feed.start([](DecodedBatchPtr) {});
  EXPECT_FALSE(start.ok());
  EXPECT_THAT(std::string(start.message()), HasSubstr(path));
  EXPECT_FALSE(feed.connected());
}

// Records batches on the feed's thread; can keep them alive to hold in-flight slots.
class Collector {
 public:
  BatchHandler handler() {
    return [this](DecodedBatchPtr b) {
      std::lock_guard lock(mu_);
      seen_.add(*b);
      if (hold_) held_.push_back(std::move(b));
    };
  }
  void hold(bool on) {
    std::lock_guard lock(mu_);
    hold_ = on;
  }
  void releaseAll() {
    std::vector<DecodedBatchPtr> dropped;
    std::lock_guard lock(mu_);
    dropped.swap(held_);
  }
  Seen seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  mutable std::mutex mu_;
  bool hold_ = false;
  Seen seen_;
  std::vector<DecodedBatchPtr> held_;
};

TEST_F(JsonlFeedTest, ConnectorReadsAFileToTheEnd) {
  std::string content;
  for (int i = 0; i < 10; ++i) content += acceptedLine("f" + std::to_string(i)) + "\n";
  content += "nope\n";
  FeedConfig config = feed_;
  config.endpoint = writeFile(content);
  JsonlFeedOptions feed_options;
  feed_options.batch_size = 4;
  JsonlFeed feed(config, ingest_, pseudonymizer_, feed_options);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  ASSERT_TRUE(eventually([&] { return feed.finished(); }));
  EXPECT_TRUE(feed.connected());
  feed.stop();
  EXPECT_FALSE(feed.connected());
  const Seen seen = collector.seen();
  EXPECT_EQ(seen.ids.size(), 10u);
  EXPECT_EQ(seen.rejections.size(), 1u);
  EXPECT_THAT(seen.batch_sizes, ElementsAre(4, 4, 3));
  EXPECT_THAT(seen.end_flags, ElementsAre(false, false, true));
  EXPECT_EQ(feed.stats().messages.load(), 11u);
  EXPECT_EQ(feed.stats().batches.load(), 3u);
  EXPECT_EQ(feed.batchesInFlight(), 0);
}

TEST_F(JsonlFeedTest, ConnectorRespectsTheInFlightBound) {
  std::string content;
  for (int i = 0; i < 10; ++i) content += acceptedLine("h" + std::to_string(i)) + "\n";
  FeedConfig config = feed_;
  config.endpoint = writeFile(content);
  JsonlFeedOptions feed_options;
  feed_options.batch_size = 1;
  feed_options.max_in_flight = 2;
  JsonlFeed feed(config, ingest_, pseudonymizer_, feed_options);
  Collector collector;
  collector.hold(true);
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  ASSERT_TRUE(eventually([&] { return feed.stats().backpressure_waits.load() >= 1; }));
  EXPECT_EQ(collector.seen().batch_sizes.size(), 2u);
  EXPECT_EQ(feed.batchesInFlight(), 2);
  EXPECT_FALSE(feed.finished());

  collector.hold(false);
  collector.releaseAll();
  ASSERT_TRUE(eventually([&] { return feed.finished(); }));
  feed.stop();
  EXPECT_EQ(collector.seen().ids.size(), 10u);
}

// Standard input, fed through a pipe that replaces fd 0 for the test.
class StdinPipe {
 public:
  StdinPipe() {
    saved_ = ::dup(STDIN_FILENO);
    int fds[2];
    if (::pipe(fds) != 0) std::abort();
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    write_fd_ = fds[1];
  }
  ~StdinPipe() {
    closeWriter();
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }
  void write(const std::string& s) {
    ASSERT_EQ(::write(write_fd_, s.data(), s.size()), ssize_t(s.size()));
  }
  void closeWriter() {
    if (write_fd_ >= 0) ::close(write_fd_);
    write_fd_ = -1;
  }

 private:
  int saved_ = -1;
  int write_fd_ = -1;
};

TEST_F(JsonlFeedTest, StdinEndsWhenTheWriterCloses) {
  StdinPipe in;
  JsonlFeed feed(feed_, ingest_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  EXPECT_TRUE(feed.connected());
  in.write(acceptedLine("s1") + "\n" + acceptedLine("s2"));
  in.closeWriter();
  ASSERT_TRUE(eventually([&] { return feed.finished(); }));
  feed.stop();
  const Seen seen = collector.seen();
  EXPECT_THAT(seen.ids, ElementsAre("s1", "s2"));
  EXPECT_EQ(seen.end_flags.back(), true);
}

TEST_F(JsonlFeedTest, StopOnAnIdleStdinReturnsAndHandsOverWhatWasRead) {
  StdinPipe in;
  JsonlFeed feed(feed_, ingest_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  in.write(acceptedLine("s1") + "\n" + acceptedLine("s2") + "\n");
  // Both lines were read once the byte count covers them; the writer stays open (no end of input).
  ASSERT_TRUE(
      eventually([&] { return feed.stats().bytes.load() == 2 * (acceptedLine("s1").size() + 1); }));
  feed.stop();
  EXPECT_FALSE(feed.connected());
  EXPECT_FALSE(feed.finished());
  const Seen seen = collector.seen();
  EXPECT_THAT(seen.ids, ElementsAre("s1", "s2"));
  EXPECT_THAT(seen.end_flags, ElementsAre(false));
}

}  // namespace
}  // namespace casewatch
