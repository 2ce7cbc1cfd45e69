// `casewatch fit escalation --history` reproduces the daemon's self-fit rows: a feedgen history
// driven through the daemon's Pipeline (learning on, the default) gives exactly the rows (ids,
// times, features bit for bit, labels) that escalationRowsFromHistory takes from the same lines;
// and the Hawkes contact streams of the daemon's state equal those of `casewatch fit hawkes`.
#include "tools/fit/escalation_history.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/decoded_batch.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "daemon/pipeline.h"
#include "models/escalation_risk/escalation_risk_model.h"
#include "models/repeat_visit/repeat_visit_model.h"
#include "tools/feedgen/feed_generator.h"
#include "tools/fit/fit_command.h"

namespace casewatch {
namespace {

class NoOutput final : public PipelineOutput {
 public:
  void accepted(const CaseEvent&) override {}
  void alertChanged(AlertChange&&) override {}
  void deadLetter(std::string_view, const Rejection&) override {}
};

struct Driven {
  std::string history;
  std::vector<EscalationRow> rows;
  std::vector<HawkesStream> streams;
};

Driven driveDaemonPipeline() {
  feedgen::FeedgenOptions options;
  options.cases = 3000;
  options.days = 120;
  options.seed = 17;
  options.escalation_model = true;
  options.follow_ups = 0.2;
  feedgen::FeedGenerator generator(options, /*with_truth=*/false);
  ConfigResult loaded = loadDefaultConfig({"clock=event"});
  EXPECT_TRUE(loaded.ok()) << loaded.describe();
  // The same key as the tool (its person ids only key the state).
  const Pseudonymizer pseudonymizer(Pseudonymizer::demoKey());
  BatchDecoder decoder(pseudonymizer, DecoderLimits{}, 2048);
  NoOutput out;
  Pipeline pipeline(loaded.config, nullptr, nullptr, out);
  auto models = buildModels(loaded.config.models, loaded.config.clocks);
  EXPECT_TRUE(models.ok()) << models.status();
  pipeline.setModels(std::move(*models));
  Driven d;
  auto* model = const_cast<EscalationRiskModel*>(pipeline.model<EscalationRiskModel>());
  EXPECT_TRUE(model != nullptr);
  model->startLearning();  // as the daemon's App does
  EXPECT_TRUE(model->learning());
  DecodedBatch batch;
  feedgen::FeedLine line;
  while (generator.next(line)) {
    d.history += line.json;
    d.history += '\n';
    decoder.add(line.json, batch, 0);
    if (batch.events.size() + batch.rejections.size() >= 512) {
      pipeline.ingest(batch);
      batch = DecodedBatch{};
      for (EscalationRow& r : model->takeLabelledRows()) d.rows.push_back(std::move(r));
    }
  }
  pipeline.ingest(batch);
  for (EscalationRow& r : model->takeLabelledRows()) d.rows.push_back(std::move(r));
  const auto* repeat = pipeline.model<RepeatVisitModel>();
  d.streams = repeat->hawkesStreams(pipeline.cases(), &pipeline.visits());
  return d;
}

const Driven& driven() {
  static const Driven d = driveDaemonPipeline();
  return d;
}

bool byId(const EscalationRow& a, const EscalationRow& b) {
  return a.row_id < b.row_id;
}

TEST(EscalationHistoryTest, TheToolTakesTheDaemonsRows) {
  const Driven& d = driven();
  std::istringstream in(d.history);
  fit::EscalationHistoryOptions options;
  options.horizon_days = 30;
  auto rows = fit::escalationRowsFromHistory(in, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::vector<EscalationRow> tool = rows->list;
  std::vector<EscalationRow> daemon = d.rows;
  ASSERT_GT(daemon.size(), 5000u);
  std::sort(tool.begin(), tool.end(), byId);
  std::sort(daemon.begin(), daemon.end(), byId);
  ASSERT_EQ(tool.size(), daemon.size());
  size_t positives = 0, differ = 0;
  for (size_t i = 0; i < tool.size(); ++i) {
    positives += tool[i].label;
    if (!(tool[i] == daemon[i])) {
      if (++differ <= 5) ADD_FAILURE() << "row " << tool[i].row_id << " differs";
    }
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_GT(positives, 100u);
  // The matrix the fit reads is the list's rows whose 30-day window closed by the last event.
  TimeMs end = 0;
  for (const EscalationRow& r : tool) end = std::max(end, r.at);
  size_t closed = 0, open_positives = 0;
  for (const EscalationRow& r : tool) {
    closed += r.at + 30 * kMsPerDay <= end ? 1 : 0;
    open_positives += r.at + 30 * kMsPerDay > end ? r.label : 0;
  }
  EXPECT_GE(static_cast<size_t>(rows->x.rows()),
            closed);  // the history ends at or after the last row
  EXPECT_LT(static_cast<size_t>(rows->x.rows()), rows->list.size());
  EXPECT_GT(open_positives, 0u);
}

TEST(EscalationHistoryTest, TheHawkesToolSeesTheModelsContactStreams) {
  const Driven& d = driven();
  std::istringstream in(d.history);
  auto streams = fit::hawkesStreamsFromHistory(in, 8 * 60, 1.5);
  ASSERT_TRUE(streams.ok()) << streams.status();
  ASSERT_GT(d.streams.size(), 1000u);
  ASSERT_EQ(streams->size(), d.streams.size());
  size_t returns = 0, weighted = 0, differ = 0;
  for (size_t i = 0; i < d.streams.size(); ++i) {
    const HawkesStream& a = (*streams)[i];
    const HawkesStream& b = d.streams[i];
    returns += a.times.size() - 1;
    weighted += a.weights.empty() ? 0 : 1;
    if (a.times != b.times || a.weights != b.weights || a.end != b.end) ++differ;
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_GT(returns, 100u);
  EXPECT_GT(weighted, 0u) << "no stream with a contact above the competent level";
}

}  // namespace
}  // namespace casewatch
