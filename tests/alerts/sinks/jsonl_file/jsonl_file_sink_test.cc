#include "alerts/sinks/jsonl_file/jsonl_file_sink.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/file_contents.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::readFile;
using testing::TempDir;
using Json = nlohmann::json;

constexpr TimeMs kAt = 1772586900000;  // 2026-03-04T09:15:00+08:00

AlertChange change(const std::string& subject, Tier tier, ChangeKind kind) {
  AlertChange c;
  c.kind = kind;
  c.at = kAt;
  Alert& a = c.alert;
  a.model = "overdue";
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = subject;
  a.alert_id = alertFingerprint("overdue", SubjectKind::kCase, subject);
  a.tier = tier;
  a.starts_at = kAt;
  a.updated_at = kAt;
  a.summary.set("en", "Case " + subject + " overdue");
  a.summary.set("zh-CN", "案件" + subject + "逾期");
  return c;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(JsonlFileSinkTest, WritesOneJsonLinePerChangeInOrder) {
  TempDir tmp;
  const std::string path = tmp.path() + "/alerts.jsonl";
  {
    auto sink = JsonlFileSink::open(path, AlertJsonOptions{"en", 480});
    ASSERT_TRUE(sink.ok()) << sink.status();
    EXPECT_EQ((*sink)->name(), "jsonl_file");
    EXPECT_EQ((*sink)->deliver(change("C-1", Tier::kYellow, ChangeKind::kFired)),
              SinkOutcome::kDelivered);
    EXPECT_EQ((*sink)->deliver(change("C-2", Tier::kRed, ChangeKind::kTierChanged)),
              SinkOutcome::kDelivered);
  }  // closing flushes
  const std::string text = readFile(path);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::vector<std::string> got = lines(text);
  ASSERT_EQ(got.size(), 2u);
  const Json first = Json::parse(got[0]);
  const Json second = Json::parse(got[1]);
  EXPECT_EQ(first["subject"]["id"], "C-1");
  EXPECT_EQ(first["tier"], "yellow");
  EXPECT_EQ(first["change"], "fired");
  EXPECT_EQ(first["alert_id"], alertFingerprint("overdue", SubjectKind::kCase, "C-1"));
  EXPECT_EQ(second["subject"]["id"], "C-2");
  EXPECT_EQ(second["tier"], "red");
  EXPECT_EQ(second["change"], "tier_changed");
}

TEST(JsonlFileSinkTest, FlushMakesLinesVisibleBeforeClose) {
  TempDir tmp;
  const std::string path = tmp.path() + "/alerts.jsonl";
  auto sink = JsonlFileSink::open(path, AlertJsonOptions{"en", 480});
  ASSERT_TRUE(sink.ok()) << sink.status();
  (*sink)->deliver(change("C-1", Tier::kOrange, ChangeKind::kFired));
  (*sink)->flush();
  EXPECT_EQ(lines(readFile(path)).size(), 1u);
}

TEST(JsonlFileSinkTest, AnUnwritablePathIsAnErrorAtOpen) {
  TempDir tmp;
  auto sink = JsonlFileSink::open(tmp.path() + "/no/such/dir/alerts.jsonl", {});
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(sink.status().message().find("no/such/dir"), std::string_view::npos);
}

}  // namespace
}  // namespace casewatch
