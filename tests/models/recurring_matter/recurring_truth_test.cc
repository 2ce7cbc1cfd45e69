// Detection on feedgen's ground truth for the recurring_matter model, through the real Pipeline
// in-process on event time (every model on, the default configuration): a 3,000-case history
// with ordinary follow-ups (--follow-ups 0.3), 10 planted recurring matters (6-20 contacts over
// 4-12 weeks, each from a new person) and 40 planted quiet ones (1-3 contacts from new persons over
// 1-3 months), scored by `casewatch score`'s own code (tools/score/truth_score.h):
//   - every planted recurring matter whose contacts reach the model's minimum counts is alerted;
//   - no quiet planted matter is, and at most 1 in 1,000 ordinary matters of the feed.
// The five-seed figures are measured with the commands in README ("Recurring matters").

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "connectors/decoded_batch.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "daemon/pipeline.h"
#include "tests/fakes/temp_file.h"
#include "tools/feedgen/feed_generator.h"
#include "tools/feedgen/feedgen_options.h"
#include "tools/score/truth_score.h"

namespace casewatch {
namespace {

class AlertLines final : public PipelineOutput {
 public:
  void accepted(const CaseEvent&) override {}
  void alertChanged(AlertChange&& c) override {
    if (c.alert.model != "recurring_matter") return;
    text += "{\"model\":\"recurring_matter\",\"subject\":{\"kind\":\"" +
            std::string(subjectKindName(c.alert.subject_kind)) + "\",\"id\":\"" +
            c.alert.subject_id + "\"},\"tier\":\"" + std::string(tierName(c.alert.tier)) + "\"}\n";
  }
  void deadLetter(std::string_view, const Rejection&) override { ++rejected; }

  std::string text;
  size_t rejected = 0;
};

TEST(RecurringTruthTest, PlantedRecurringMattersAreFoundAndQuietOnesAreNot) {
  feedgen::FeedgenOptions options;
  options.cases = 3000;
  options.seed = 7;
  options.follow_ups = 0.3;
  options.recurring_matters = 10;
  feedgen::FeedGenerator generator(options, /*with_truth=*/true);

  ConfigResult loaded = loadDefaultConfig({"clock=event"});
  ASSERT_TRUE(loaded.ok()) << loaded.describe();
  const Config config = loaded.config;
  const Pseudonymizer pseudonymizer(Pseudonymizer::deriveKey("recurring truth test key"));
  BatchDecoder decoder(pseudonymizer, DecoderLimits{}, 2048);
  AlertLines out;
  Pipeline pipeline(config, nullptr, nullptr, out);
  auto models = buildModels(config.models, config.clocks);
  ASSERT_TRUE(models.ok()) << models.status();
  pipeline.setModels(std::move(*models));

  std::string feed;
  DecodedBatch batch;
  feedgen::FeedLine line;
  while (generator.next(line)) {
    feed.append(line.json).push_back('\n');
    decoder.add(line.json, batch, 0);
    if (batch.events.size() + batch.rejections.size() >= 512) {
      pipeline.ingest(batch);
      batch = DecodedBatch{};
    }
  }
  pipeline.ingest(batch);
  pipeline.tick();
  EXPECT_EQ(out.rejected, 0u);

  // A file of this process's own: ctest runs this test in the sanitized build too, at the same
  // time.
  const testing::TempFile truth_file("");
  ASSERT_TRUE(generator.writeTruth(truth_file.path()).ok());
  std::ifstream in(truth_file.path());
  std::stringstream truth;
  truth << in.rdbuf();

  const score::ScoreOptions score_options;
  auto s = score::scoreMatters(score_options, truth.str(), out.text, feed);
  ASSERT_TRUE(s.ok()) << s.status();
  std::printf("%s", score::scoreText(score_options, *s).c_str());
  EXPECT_EQ(s->planted, 10);
  EXPECT_EQ(s->quiet, 40);
  EXPECT_GE(s->detectable, 8) << "the planted matters should mostly reach the minimum counts";
  EXPECT_EQ(s->detectable_detected, s->detectable);
  EXPECT_EQ(s->quiet_alerted, 0);
  EXPECT_GT(s->ordinary, 2000);
  EXPECT_LE(s->ordinary_alerted * 1000, s->ordinary);
}

}  // namespace
}  // namespace casewatch
