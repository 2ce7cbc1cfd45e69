// AlertWorkflow::saveSnapshot / loadSnapshot: what is loaded goes on deciding the same changes
// (escalations, reminders, a held tier's fall) as the workflow saved. Not byte equality: hash maps
// save in their own order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/state_archive.h"
#include "tests/alerts/workflow/workflow_fixture.h"

namespace casewatch {
namespace {

using testing::kMin;
using testing::kT0;
using testing::WorkflowHarness;

// As a snapshot holds them: the book first, whose evidence the workflow's alerts leave out.
std::string saved(WorkflowHarness& h) {
  std::string out;
  ArchiveOut a(out);
  h.book().save(a);
  h.workflow().saveSnapshot(a);
  return out;
}

TEST(AlertWorkflowArchiveTest, ALoadedWorkflowGoesOnDecidingTheSameChanges) {
  WorkflowHarness a;
  a.signal(Tier::kOrange, "case-1", kT0);
  a.signal(Tier::kRed, "case-2", kT0 + 5 * kMin);
  a.signal(Tier::kYellow, "case-3", kT0 + 10 * kMin);
  a.advance(kT0 + 3 * 24 * 60 * kMin);  // escalations and reminders are due by now
  a.signal(Tier::kBlue, "case-2", kT0 + 3 * 24 * 60 * kMin + kMin);  // a fall, held
  ASSERT_FALSE(a.take().empty());
  const std::string bytes = saved(a);

  WorkflowHarness b;
  b.now() = a.now();
  ArchiveIn in(bytes);
  ASSERT_TRUE(b.book().load(in));
  ASSERT_TRUE(b.workflow().loadSnapshot(in));
  EXPECT_TRUE(in.atEnd());
  // The alerts shown come back with their texts, taken from the book.
  const std::vector<Alert> loaded = b.workflow().activeAlerts();
  for (const Alert& shown : a.workflow().activeAlerts()) {
    const Alert* back = nullptr;
    for (const Alert& x : loaded) {
      if (x.alert_id == shown.alert_id) back = &x;
    }
    ASSERT_NE(back, nullptr) << shown.alert_id;
    EXPECT_EQ(back->summary.get("en"), shown.summary.get("en")) << shown.alert_id;
    EXPECT_EQ(back->reasons.size(), shown.reasons.size()) << shown.alert_id;
  }
  // Without the book it came with, the workflow's part is refused, not loaded without texts.
  WorkflowHarness c;
  ArchiveIn alone(bytes);
  AlertBook other;
  ASSERT_TRUE(other.load(alone));
  EXPECT_FALSE(c.workflow().loadSnapshot(alone));

  // Both go on: the same timers fire into the same changes.
  const TimeMs later = a.now() + 5 * 24 * 60 * kMin;
  for (WorkflowHarness* h : {&a, &b}) h->advance(later);
  const auto ca = a.take();
  const auto cb = b.take();
  ASSERT_EQ(ca.size(), cb.size());
  ASSERT_FALSE(ca.empty());
  for (size_t i = 0; i < ca.size(); ++i) {
    EXPECT_EQ(ca[i].kind, cb[i].kind) << i;
    EXPECT_EQ(ca[i].alert.alert_id, cb[i].alert.alert_id) << i;
    EXPECT_EQ(ca[i].alert.updated_at, cb[i].alert.updated_at) << i;
    EXPECT_EQ(ca[i].alert.tier, cb[i].alert.tier) << i;
  }
}

// Start-up reads the workflow's part before (beside) the book's: the texts come from the book
// once it is loaded, and the result is the workflow loadSnapshot() gives.
TEST(AlertWorkflowArchiveTest, LoadedApartThenLinkedToTheBookIsTheSameAsLoadedAfterIt) {
  WorkflowHarness a;
  a.signal(Tier::kOrange, "case-1", kT0);
  a.signal(Tier::kRed, "case-2", kT0 + 5 * kMin);
  a.advance(kT0 + 2 * 24 * 60 * kMin);
  ASSERT_FALSE(a.take().empty());
  std::string book_bytes, workflow_bytes;
  ArchiveOut bo(book_bytes), wo(workflow_bytes);
  a.book().save(bo);
  a.workflow().saveSnapshot(wo);

  WorkflowHarness b;
  ArchiveIn win(workflow_bytes);
  ASSERT_TRUE(b.workflow().loadSnapshotApart(win));
  EXPECT_TRUE(win.atEnd());
  // Not linked yet: the book is empty, so the link is refused rather than leaving texts out.
  WorkflowHarness unlinked;
  ArchiveIn win2(workflow_bytes);
  ASSERT_TRUE(unlinked.workflow().loadSnapshotApart(win2));
  EXPECT_FALSE(unlinked.workflow().linkBookEvidence());

  ArchiveIn bin(book_bytes);
  ASSERT_TRUE(b.book().load(bin));
  ASSERT_TRUE(b.workflow().linkBookEvidence());
  const std::vector<Alert> before = a.workflow().activeAlerts();
  const std::vector<Alert> after = b.workflow().activeAlerts();
  ASSERT_EQ(before.size(), after.size());
  ASSERT_FALSE(before.empty());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].alert_id, before[i].alert_id) << i;
    EXPECT_EQ(after[i].summary, before[i].summary) << i;
    EXPECT_EQ(after[i].reasons, before[i].reasons) << i;
    EXPECT_EQ(after[i].actions, before[i].actions) << i;
  }
}

}  // namespace
}  // namespace casewatch
