// escalation_risk in the real Pipeline, in-process on event time, over feedgen's feed
// (--escalation-thresholds: reviews follow the decision and the handling) with the shipped
// demonstration model (config/escalation_model.json): alerts fire on cases, each says why (the
// probability and the top contributions, with numbers, in en and zh-CN) and what to do, and the
// cases it alerts on escalate (a review request) more often than those it does not.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "connectors/decoded_batch.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "daemon/pipeline.h"
#include "tests/source_paths.h"
#include "tools/feedgen/feed_generator.h"
#include "tools/feedgen/feedgen_options.h"

namespace casewatch {
namespace {

class EscalationOutput final : public PipelineOutput {
 public:
  void accepted(const CaseEvent& ev) override {
    if (ev.type == EventType::kReviewRequested) reviewed.insert(ev.case_id);
    if (ev.type == EventType::kRegistered) cases.insert(ev.case_id);
  }
  void alertChanged(AlertChange&& c) override {
    if (c.alert.model != "escalation_risk") return;
    if (c.alert.tier == Tier::kNone || c.kind == ChangeKind::kResolved) return;
    if (c.alert.tier >= Tier::kYellow) alerted.insert(c.alert.subject_id);
    ++changes;
    last = c.alert;
    EXPECT_EQ(c.alert.subject_kind, SubjectKind::kCase);
    ASSERT_GE(c.alert.reasons.size(), 2u) << c.alert.summary.get("en");
    EXPECT_EQ(c.alert.reasons[0].code, "p_escalation");
    for (const AlertReason& r : c.alert.reasons) {
      EXPECT_FALSE(r.text.get("en").empty()) << r.code;
      EXPECT_FALSE(r.text.get("zh-CN").empty()) << r.code;
    }
    EXPECT_FALSE(c.alert.summary.get("en").empty());
    EXPECT_FALSE(c.alert.summary.get("zh-CN").empty());
    ASSERT_FALSE(c.alert.actions.empty());
    EXPECT_EQ(c.alert.actions[0], Action::kReviewCase);
  }
  void deadLetter(std::string_view, const Rejection&) override { ++rejected; }

  std::set<std::string> cases, reviewed, alerted;
  size_t changes = 0, rejected = 0;
  Alert last;
};

TEST(EscalationPipelineTest, AlertsExplainThemselvesAndPickOutTheCasesThatEscalate) {
  feedgen::FeedgenOptions options;
  options.cases = 3000;
  options.seed = 11;
  options.days = 150;
  options.escalation_thresholds = true;  // reviews follow the decision and the handling
  feedgen::FeedGenerator generator(options, /*with_truth=*/false);

  ConfigResult loaded =
      loadDefaultConfig({"clock=event", "models.escalation_risk.model_file=" CASEWATCH_SOURCE_DIR
                                        "/config/escalation_model.json"});
  ASSERT_TRUE(loaded.ok()) << loaded.describe();
  const Pseudonymizer pseudonymizer(Pseudonymizer::deriveKey("escalation pipeline test key"));
  BatchDecoder decoder(pseudonymizer, DecoderLimits{}, 2048);
  EscalationOutput out;
  Pipeline pipeline(loaded.config, nullptr, nullptr, out);
  auto models = buildModels(loaded.config.models, loaded.config.clocks);
  ASSERT_TRUE(models.ok()) << models.status();
  pipeline.setModels(std::move(*models));
  DecodedBatch batch;
  feedgen::FeedLine line;
  while (generator.next(line)) {
    decoder.add(line.json, batch, 0);
    if (batch.events.size() + batch.rejections.size() >= 512) {
      pipeline.ingest(batch);
      batch = DecodedBatch{};
    }
  }
  pipeline.ingest(batch);
  pipeline.tick();
  EXPECT_EQ(out.rejected, 0u);
  ASSERT_GT(out.changes, 0u);
  ASSERT_FALSE(out.alerted.empty());
  // Review requests among the cases alerted yellow or above, and among the rest.
  int alerted_reviewed = 0, other_reviewed = 0;
  for (const std::string& c : out.cases) {
    const bool reviewed = out.reviewed.count(c) != 0;
    if (out.alerted.count(c)) {
      alerted_reviewed += reviewed;
    } else {
      other_reviewed += reviewed;
    }
  }
  const double rate_alerted = static_cast<double>(alerted_reviewed) / out.alerted.size();
  const double rate_other =
      static_cast<double>(other_reviewed) / (out.cases.size() - out.alerted.size());
  std::printf(
      "cases %zu; alerted yellow or above %zu, of which %d asked for a review (%.3f); "
      "others %d (%.3f)\n",
      out.cases.size(), out.alerted.size(), alerted_reviewed, rate_alerted, other_reviewed,
      rate_other);
  EXPECT_GT(rate_alerted, 3 * rate_other)
      << "alerted " << out.alerted.size() << " reviewed " << alerted_reviewed << "; others "
      << out.cases.size() - out.alerted.size() << " reviewed " << other_reviewed;
}

}  // namespace
}  // namespace casewatch
