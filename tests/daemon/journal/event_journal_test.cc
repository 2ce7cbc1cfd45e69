#include "daemon/journal/event_journal.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/journal/event_codec.h"
#include "daemon/journal/segment_reader.h"
#include "tests/daemon/journal/journal_test_support.h"

namespace casewatch {
namespace {

namespace fs = std::filesystem;
using testing::expectSameEvent;
using testing::readFile;
using testing::smallEvent;
using testing::TempDir;
using testing::writeFile;

JournalOptions opts(const std::string& dir, bool fsync = false, size_t segment_bytes = 64 << 20) {
  JournalOptions o;
  o.dir = dir;
  o.fsync = fsync;
  o.segment_bytes = segment_bytes;
  return o;
}

EventJournalPtr openOk(JournalOptions o) {
  auto j = EventJournal::open(std::move(o));
  EXPECT_TRUE(j.ok()) << j.status();
  return j.ok() ? std::move(*j) : nullptr;
}

std::vector<CaseEvent> replayAll(EventJournal& j) {
  std::vector<CaseEvent> out;
  const absl::Status s = j.replay([&](const CaseEvent& ev) { out.push_back(ev); });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// Writes events [from, to) in batches of `batch` and closes the journal.
void writeEvents(const JournalOptions& o, uint64_t from, uint64_t to, uint64_t batch = 1) {
  auto j = openOk(o);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->recordCount(), from);
  for (uint64_t i = from; i < to; ++i) {
    j->append(smallEvent(i));
    if ((i - from + 1) % batch == 0) j->commit();
  }
  j->close();
}

// The ids replayed from the journal in `dir` are exactly 0..n-1, in order.
void expectEventsZeroTo(const JournalOptions& o, uint64_t n) {
  auto j = openOk(o);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->recordCount(), n);
  const auto events = replayAll(*j);
  ASSERT_EQ(events.size(), n);
  for (uint64_t i = 0; i < n; ++i) expectSameEvent(events[i], smallEvent(i));
}

std::vector<std::string> segmentFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir + "/journal")) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

size_t recordBytes(const CaseEvent& ev) {
  std::string buf;
  encodeEvent(ev, buf);
  return kRecordHeaderBytes + buf.size();
}

TEST(EventJournalTest, StartsEmptyWithOneSegment) {
  TempDir tmp;
  auto j = openOk(opts(tmp.path()));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->recordCount(), 0u);
  EXPECT_TRUE(replayAll(*j).empty());
  j->close();
  const auto files = segmentFiles(tmp.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(fs::path(files[0]).filename(), "seg-00000000000000000000.log");
  EXPECT_EQ(fs::file_size(files[0]), kSegmentHeaderBytes);
}

TEST(EventJournalTest, ReplaysEverythingInOrderAfterReopen) {
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/true);
  {
    auto j = openOk(o);
    ASSERT_TRUE(j);
    const CaseEvent full = testing::fullEvent(EventType::kAidGranted, 5);
    j->append(full);
    for (uint64_t i = 1; i < 100; ++i) {
      j->append(smallEvent(i));
      if (i % 7 == 0) j->commit();
    }
    EXPECT_EQ(j->recordCount(), 100u);
    j->close();
  }
  auto j = openOk(o);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->recordCount(), 100u);
  const auto events = replayAll(*j);
  ASSERT_EQ(events.size(), 100u);
  expectSameEvent(events[0], testing::fullEvent(EventType::kAidGranted, 5));
  for (uint64_t i = 1; i < 100; ++i) expectSameEvent(events[i], smallEvent(i));
}

TEST(EventJournalTest, ReplayOnlyOnceAndBeforeAppends) {
  TempDir tmp;
  auto j = openOk(opts(tmp.path()));
  ASSERT_TRUE(j);
  j->append(smallEvent(0));
  EXPECT_EQ(j->replay([](const CaseEvent&) {}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(EventJournalTest, TornTailAtEveryOffsetIsDroppedAndAppendsContinue) {
  TempDir src;
  const auto o = opts(src.path());
  writeEvents(o, 0, 3);
  const std::string seg = segmentFiles(src.path())[0];
  const std::string full = readFile(seg);
  const size_t last_start = full.size() - recordBytes(smallEvent(2));
  ASSERT_EQ(last_start,
            kSegmentHeaderBytes + recordBytes(smallEvent(0)) + recordBytes(smallEvent(1)));

  for (size_t cut = last_start; cut < full.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    TempDir tmp;
    fs::create_directories(tmp.path() + "/journal");
    const std::string path = tmp.path() + "/journal/" + fs::path(seg).filename().string();
    writeFile(path, full.substr(0, cut));
    const auto to = opts(tmp.path());
    {
      auto j = openOk(to);
      ASSERT_TRUE(j);
      EXPECT_EQ(j->recordCount(), 2u);
      EXPECT_EQ(j->truncatedBytesAtOpen(), cut - last_start);
      const auto events = replayAll(*j);
      ASSERT_EQ(events.size(), 2u);
      expectSameEvent(events[1], smallEvent(1));
      // A different event where the torn one was: it must be what the next open finds.
      j->append(smallEvent(2));
      j->close();
    }
    expectEventsZeroTo(to, 3);
    EXPECT_EQ(fs::file_size(path), full.size());
  }
}

TEST(EventJournalTest, FlippedByteInLastRecordDropsOnlyThatRecord) {
  TempDir src;
  writeEvents(opts(src.path()), 0, 3);
  const std::string seg = segmentFiles(src.path())[0];
  const std::string full = readFile(seg);
  const size_t last_start = full.size() - recordBytes(smallEvent(2));

  for (size_t at = last_start; at < full.size(); ++at) {
    SCOPED_TRACE("flip at " + std::to_string(at));
    TempDir tmp;
    fs::create_directories(tmp.path() + "/journal");
    std::string bad = full;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    writeFile(tmp.path() + "/journal/" + fs::path(seg).filename().string(), bad);
    auto j = openOk(opts(tmp.path()));
    ASSERT_TRUE(j);
    EXPECT_EQ(j->recordCount(), 2u);
    EXPECT_EQ(j->truncatedBytesAtOpen(), full.size() - last_start);
    EXPECT_EQ(replayAll(*j).size(), 2u);
  }
}

TEST(EventJournalTest, TornSegmentHeaderOfLastSegmentIsRepaired) {
  TempDir tmp;
  const auto o = opts(tmp.path());
  writeEvents(o, 0, 2);
  const std::string seg = segmentFiles(tmp.path())[0];
  fs::resize_file(seg, 5);
  {
    auto j = openOk(o);
    ASSERT_TRUE(j);
    EXPECT_EQ(j->recordCount(), 0u);
    EXPECT_EQ(j->truncatedBytesAtOpen(), 5u);
    j->append(smallEvent(0));
    j->close();
  }
  expectEventsZeroTo(o, 1);
}

TEST(EventJournalTest, RotatesSegmentsAndReplaysAcrossThem) {
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/false, /*segment_bytes=*/300);
  writeEvents(o, 0, 50, /*batch=*/3);
  writeEvents(o, 50, 80, /*batch=*/4);
  const auto files = segmentFiles(tmp.path());
  ASSERT_GT(files.size(), 5u);

  // Each segment is named after its first record and starts where the previous one ended.
  uint64_t expected_first = 0;
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    auto first = parseSegmentFileName(fs::path(f).filename().string());
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(*first, expected_first);
    const std::string data = readFile(f);
    uint64_t header_first = 0;
    ASSERT_TRUE(parseSegmentHeader(data, header_first).ok());
    EXPECT_EQ(header_first, *first);
    uint64_t records = 0;
    for (size_t off = kSegmentHeaderBytes; off < data.size(); ++records) {
      off += kRecordHeaderBytes +
             (static_cast<uint8_t>(data[off]) | static_cast<uint8_t>(data[off + 1]) << 8);
    }
    EXPECT_GT(records, 0u);
    expected_first += records;
  }
  EXPECT_EQ(expected_first, 80u);
  expectEventsZeroTo(o, 80);
}

TEST(EventJournalTest, ASegmentAskedForAfterTheLastBatchStartsWithoutWaitingForTheNext) {
  // Retention asks for a new segment at the end of what is written, so that a snapshot there can
  // compact every record before it: the segment holding them must not stay the open one until
  // another event happens to come.
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/true);
  auto j = openOk(o);
  ASSERT_TRUE(j);
  for (uint64_t i = 0; i < 10; ++i) j->append(smallEvent(i));
  j->startSegmentAt(j->recordCount());
  j->commit();
  const std::string second = tmp.path() + "/journal/seg-00000000000000000010.log";
  for (int i = 0; i < 1000 && !fs::exists(second); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(fs::exists(second)) << "no segment started at record 10 after the batch was written";
  EXPECT_EQ(fs::file_size(second), kSegmentHeaderBytes);
  for (uint64_t i = 10; i < 15; ++i) j->append(smallEvent(i));
  j->close();
  EXPECT_EQ(segmentFiles(tmp.path()).size(), 2u);  // the later records went on in it
  expectEventsZeroTo(o, 15);
}

TEST(EventJournalTest, BatchLargerThanASegmentGetsItsOwnSegment) {
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/false, /*segment_bytes=*/100);
  writeEvents(o, 0, 10, /*batch=*/5);
  EXPECT_EQ(segmentFiles(tmp.path()).size(), 2u);  // batch 2 rotates; nothing splits a batch
  expectEventsZeroTo(o, 10);
}

TEST(EventJournalTest, FlippedByteInEarlierSegmentIsDataLoss) {
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/false, /*segment_bytes=*/200);
  writeEvents(o, 0, 20);
  const auto files = segmentFiles(tmp.path());
  ASSERT_GE(files.size(), 3u);
  std::string data = readFile(files[0]);
  const size_t at = kSegmentHeaderBytes + kRecordHeaderBytes + 3;  // inside the first payload
  data[at] = static_cast<char>(data[at] ^ 1);
  writeFile(files[0], data);

  auto j = EventJournal::open(o);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), absl::StatusCode::kDataLoss);
  const std::string msg(j.status().message());
  EXPECT_NE(msg.find(fs::path(files[0]).filename().string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("offset 16"), std::string::npos) << msg;
}

// Three events in one segment; returns the segment's bytes and the offset where event `i` starts.
struct ThreeRecords {
  std::string name;  // the segment's file name
  std::string bytes;
  std::vector<size_t> starts;
};
ThreeRecords threeRecords() {
  TempDir src;
  writeEvents(opts(src.path()), 0, 3);
  const std::string seg = segmentFiles(src.path())[0];
  ThreeRecords r{fs::path(seg).filename().string(), readFile(seg), {}};
  size_t at = kSegmentHeaderBytes;
  for (uint64_t i = 0; i < 3; ++i) {
    r.starts.push_back(at);
    at += recordBytes(smallEvent(i));
  }
  EXPECT_EQ(at, r.bytes.size());
  return r;
}

std::string putSegment(const TempDir& tmp, const std::string& name, const std::string& bytes) {
  fs::create_directories(tmp.path() + "/journal");
  const std::string path = tmp.path() + "/journal/" + name;
  writeFile(path, bytes);
  return path;
}

TEST(EventJournalRecoveryTest, TruncatedLastRecordIsATornTail) {
  const ThreeRecords r = threeRecords();
  TempDir tmp;
  const std::string path = putSegment(tmp, r.name, r.bytes.substr(0, r.bytes.size() - 3));
  auto j = openOk(opts(tmp.path()));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->recordCount(), 2u);
  EXPECT_EQ(j->recovery().torn_tail_bytes, r.bytes.size() - 3 - r.starts[2]);
  EXPECT_EQ(j->recovery().corrupt_truncations, 0u);
  EXPECT_EQ(replayAll(*j).size(), 2u);
  j->close();
  EXPECT_EQ(fs::file_size(path), r.starts[2]);
}

TEST(EventJournalRecoveryTest, CorruptLastByteOfLastRecordIsATornTail) {
  const ThreeRecords r = threeRecords();
  TempDir tmp;
  std::string bad = r.bytes;
  bad.back() = static_cast<char>(bad.back() ^ 0x01);
  putSegment(tmp, r.name, bad);
  auto j = openOk(opts(tmp.path()));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->recordCount(), 2u);
  EXPECT_EQ(j->recovery().torn_tail_bytes, r.bytes.size() - r.starts[2]);
  EXPECT_EQ(j->recovery().corrupt_truncations, 0u);
  const auto events = replayAll(*j);
  ASSERT_EQ(events.size(), 2u);
  expectSameEvent(events[1], smallEvent(1));
}

TEST(EventJournalRecoveryTest, CorruptMiddleRecordWithValidRecordsAfterIsDataLossAtItsOffset) {
  const ThreeRecords r = threeRecords();
  // Every byte of the middle record: its length, its checksum and its payload.
  for (size_t at = r.starts[1]; at < r.starts[2]; ++at) {
    SCOPED_TRACE("flip at " + std::to_string(at));
    TempDir tmp;
    std::string bad = r.bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    const std::string path = putSegment(tmp, r.name, bad);

    auto j = EventJournal::open(opts(tmp.path()));
    ASSERT_FALSE(j.ok());
    EXPECT_EQ(j.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_TRUE(isCorruptRecordError(j.status()));
    const std::string msg(j.status().message());
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("corrupt record at byte offset " + std::to_string(r.starts[1]) + " ("),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("a valid record at byte offset " + std::to_string(r.starts[2])),
              std::string::npos)
        << msg;
    // Refused, and nothing changed.
    EXPECT_EQ(readFile(path), bad);
    EXPECT_EQ(segmentFiles(tmp.path()).size(), 1u);
  }
}

TEST(EventJournalRecoveryTest, TruncateCorruptCutsAtTheCorruptRecordAndKeepsTheDroppedBytes) {
  const ThreeRecords r = threeRecords();
  TempDir tmp;
  std::string bad = r.bytes;
  const size_t at = r.starts[1] + kRecordHeaderBytes + 2;  // inside the middle payload
  bad[at] = static_cast<char>(bad[at] ^ 0x01);
  const std::string path = putSegment(tmp, r.name, bad);
  auto o = opts(tmp.path());
  o.truncate_corrupt = true;
  {
    auto j = openOk(o);
    ASSERT_TRUE(j);
    EXPECT_EQ(j->recordCount(), 1u);
    EXPECT_EQ(j->recovery().corrupt_truncations, 1u);
    EXPECT_EQ(j->recovery().corrupt_bytes, r.bytes.size() - r.starts[1]);
    EXPECT_EQ(j->recovery().torn_tail_bytes, 0u);
    const auto events = replayAll(*j);
    ASSERT_EQ(events.size(), 1u);
    expectSameEvent(events[0], smallEvent(0));
    j->append(smallEvent(1));
    j->close();
  }
  EXPECT_EQ(readFile(path + ".dropped-at-" + std::to_string(r.starts[1])), bad.substr(r.starts[1]));
  // The cut sticks: the next open, without the flag, finds a clean journal.
  expectEventsZeroTo(opts(tmp.path()), 2);
}

TEST(EventJournalRecoveryTest, TruncateCorruptInEarlierSegmentSetsLaterSegmentsAside) {
  TempDir tmp;
  auto o = opts(tmp.path(), /*fsync=*/false, /*segment_bytes=*/200);
  writeEvents(o, 0, 20);
  const auto files = segmentFiles(tmp.path());
  ASSERT_GE(files.size(), 3u);
  std::string data = readFile(files[0]);
  const size_t second = kSegmentHeaderBytes + recordBytes(smallEvent(0));
  data[second + kRecordHeaderBytes] = static_cast<char>(data[second + kRecordHeaderBytes] ^ 1);
  writeFile(files[0], data);

  o.truncate_corrupt = true;
  auto j = openOk(o);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->recordCount(), 1u);
  EXPECT_EQ(j->recovery().segments_set_aside, files.size() - 1);
  for (size_t k = 1; k < files.size(); ++k) {
    EXPECT_FALSE(fs::exists(files[k]));
    EXPECT_TRUE(fs::exists(files[k] + ".dropped"));
  }
  EXPECT_EQ(replayAll(*j).size(), 1u);
}

TEST(EventJournalTest, MissingMiddleSegmentIsDataLoss) {
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/false, /*segment_bytes=*/200);
  writeEvents(o, 0, 20);
  const auto files = segmentFiles(tmp.path());
  ASSERT_GE(files.size(), 3u);
  fs::remove(files[1]);
  auto j = EventJournal::open(o);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), absl::StatusCode::kDataLoss);
}

TEST(EventJournalTest, DurableCallbacksComeInOrderAfterTheBytesAreWritten) {
  TempDir tmp;
  auto j = openOk(opts(tmp.path(), /*fsync=*/true));
  ASSERT_TRUE(j);
  const std::string seg = segmentFiles(tmp.path())[0];

  // Where each batch ends in the file, known before the batch is committed.
  std::vector<size_t> batch_end(1, kSegmentHeaderBytes);
  std::mutex mu;
  std::vector<uint64_t> seen;
  std::vector<bool> file_had_batch;
  j->setOnDurable([&](uint64_t batch) {
    struct stat st {};
    ::stat(seg.c_str(), &st);
    std::lock_guard lk(mu);
    seen.push_back(batch);
    file_had_batch.push_back(static_cast<size_t>(st.st_size) >= batch_end[batch]);
  });

  EXPECT_EQ(j->commit(), 0u);  // nothing pending yet
  uint64_t next = 0;
  for (uint64_t b = 1; b <= 30; ++b) {
    size_t end = 0;
    {
      std::lock_guard lk(mu);
      end = batch_end.back();
    }
    for (int k = 0; k < 3; ++k) {
      end += recordBytes(smallEvent(next));
      j->append(smallEvent(next++));
    }
    EXPECT_EQ(j->pendingRecords(), 3u);
    {
      std::lock_guard lk(mu);
      batch_end.push_back(end);
    }
    EXPECT_EQ(j->commit(), b);
    EXPECT_EQ(j->pendingRecords(), 0u);
  }
  EXPECT_EQ(j->commit(), 30u);  // nothing new: the last number again
  j->close();

  std::vector<uint64_t> expected(30);
  for (uint64_t b = 0; b < 30; ++b) expected[b] = b + 1;
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(std::count(file_had_batch.begin(), file_had_batch.end(), false), 0);
  EXPECT_EQ(j->stats().durable_batch.load(), 30u);
}

TEST(EventJournalTest, CloseDrainsEverythingIncludingUncommittedRecords) {
  TempDir tmp;
  const auto o = [&] {
    auto x = opts(tmp.path(), /*fsync=*/true);
    x.max_queued_batches = 2;  // exercise backpressure
    return x;
  }();
  std::vector<JournalWriteSample> samples;
  {
    auto j = openOk(o);
    ASSERT_TRUE(j);
    j->setWriteObserver([&](const JournalWriteSample& s) { samples.push_back(s); });
    for (uint64_t i = 0; i < 200; ++i) {
      j->append(smallEvent(i));
      j->commit();
    }
    j->append(smallEvent(200));
    j->append(smallEvent(201));  // never committed by the caller
    j->close();
    EXPECT_EQ(j->stats().records_written.load(), 202u);
    EXPECT_EQ(j->stats().batches_written.load(), 201u);
    EXPECT_EQ(j->stats().durable_batch.load(), 201u);
    EXPECT_EQ(j->stats().records_dropped.load(), 0u);
    EXPECT_TRUE(j->health().ok());
  }
  size_t records = 0, batches = 0;
  for (const auto& s : samples) {
    records += s.records;
    batches += s.batches;
    EXPECT_GE(s.seconds, 0.0);
  }
  EXPECT_EQ(records, 202u);
  EXPECT_EQ(batches, 201u);
  expectEventsZeroTo(o, 202);
}

TEST(EventJournalTest, LeftoverTemporarySegmentIsIgnored) {
  TempDir tmp;
  const auto o = opts(tmp.path());
  writeEvents(o, 0, 3);
  writeFile(tmp.path() + "/journal/" + segmentFileName(3) + ".tmp", "CWJ");
  expectEventsZeroTo(o, 3);
  EXPECT_EQ(segmentFiles(tmp.path()).size(), 1u);
}

// A child process appends with fsync and reports each durable batch through a pipe; the parent
// SIGKILLs it mid-stream. Everything reported durable must replay, in order, with nothing else
// but a possible further prefix of what the child appended.
TEST(EventJournalTest, SurvivesSigkillWithEveryDurableRecord) {
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/true, /*segment_bytes=*/16 << 10);
  constexpr uint64_t kPerBatch = 10;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(120);  // a hung child fails the test instead of hanging it
    ::close(fds[0]);
    auto j = EventJournal::open(o);
    if (!j.ok()) ::_exit(3);
    (*j)->setOnDurable([&](uint64_t batch) {
      const uint64_t records = batch * kPerBatch;
      if (::write(fds[1], &records, sizeof records) != sizeof records) ::_exit(4);
    });
    for (uint64_t i = 0;; ++i) {
      (*j)->append(smallEvent(i));
      if ((i + 1) % kPerBatch == 0) (*j)->commit();
    }
  }
  ::close(fds[1]);
  uint64_t durable = 0;
  while (durable < 3000) {
    ASSERT_EQ(::read(fds[0], &durable, sizeof durable), static_cast<ssize_t>(sizeof durable));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  uint64_t more = 0;
  while (::read(fds[0], &more, sizeof more) == sizeof more) durable = std::max(durable, more);
  ::close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status));

  auto j = openOk(o);
  ASSERT_TRUE(j);
  const uint64_t n = j->recordCount();
  EXPECT_GE(n, durable);
  const auto events = replayAll(*j);
  ASSERT_EQ(events.size(), n);
  for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(events[i].event_id, smallEvent(i).event_id);
}

// Degraded mode: the disk refuses writes (here RLIMIT_FSIZE, in a child process so the limit
// touches nothing else). The writer must count and retry, commit() must not block the producer,
// and once the disk accepts writes again everything must land, in order.
TEST(EventJournalTest, WriteErrorsAreRetriedWithoutBlockingCommit) {
  TempDir tmp;
  const auto o = opts(tmp.path(), /*fsync=*/true);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(120);  // a commit() that blocks fails the test instead of hanging it
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{};
    ::getrlimit(RLIMIT_FSIZE, &lim);
    const rlimit original = lim;
    lim.rlim_cur = 4096;
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(2);
    auto j = EventJournal::open(o);
    if (!j.ok()) ::_exit(3);
    // Far more batches than max_queued_batches: with a stalled writer these must not block.
    for (uint64_t i = 0; i < 400; ++i) {
      (*j)->append(smallEvent(i));
      (*j)->commit();
    }
    for (int wait = 0; (*j)->stats().write_errors.load() == 0; ++wait) {
      if (wait > 30000) ::_exit(5);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if ((*j)->stats().durable_batch.load() >= 400) ::_exit(6);
    if (::setrlimit(RLIMIT_FSIZE, &original) != 0) ::_exit(7);
    (*j)->close();
    if (!(*j)->health().ok() || (*j)->stats().durable_batch.load() != 400) ::_exit(8);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  expectEventsZeroTo(o, 400);
}

}  // namespace
}  // namespace casewatch
