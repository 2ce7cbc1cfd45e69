// Recovery of feedgen's known escalation model (tools/feedgen/case_lifecycle.h, kEscalationTruth)
// through the daemon's own feature code: at each case's first written reply (where feedgen draws
// whether the petitioner asks for a review), the features of the case from
// EscalationFeatureBuilder, labelled 1 when a review request follows (replies in the feed's last
// 40 days left out: their review may lie past its end); the IRLS fit on exactly the generating
// terms recovers every coefficient within 10%.
//
// This checks that the feature code computes what the generator means (not_upheld, leader,
// hearing, aid, group size, channel, category): the `fit escalation --history` rows (every event,
// a 30-day window, higher-level contacts too) are a different, noisier question, checked by AUC in
// fit_command_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "models/escalation_risk/escalation_features.h"
#include "models/stats/logistic_regression.h"
#include "state/case_store.h"
#include "tools/feedgen/case_lifecycle.h"
#include "tools/feedgen/feed_generator.h"

namespace casewatch {
namespace {

TEST(FeedgenEscalationRecoveryTest, TheFitRecoversTheGeneratingCoefficients) {
  feedgen::FeedgenOptions options;
  options.cases = 150000;
  options.days = 240;
  options.seed = 5;
  options.escalation_model = true;
  feedgen::FeedGenerator generator(options, /*with_truth=*/false);
  const Pseudonymizer pseudonymizer(Pseudonymizer::demoKey());
  EventDecoder decoder(pseudonymizer);
  CaseStore cases;
  EscalationFeatureBuilder builder(ClocksConfig{}, 30);

  const std::vector<std::string_view> terms = {
      "not_upheld",     "leader_assigned", "hearing_held",     "aid_granted",
      "log_group_size", "channel_visit",   "category_judicial"};
  const feedgen::EscalationTruth& k = feedgen::kEscalationTruth;
  const std::vector<double> truth = {k.intercept,     k.not_upheld,       k.leader_assigned,
                                     k.hearing_held,  k.aid_granted,      k.log_group_size,
                                     k.channel_visit, k.category_judicial};
  absl::flat_hash_map<CaseIndex, size_t> row_of;  // the case's first reply's row
  std::vector<std::vector<double>> rows;
  std::vector<double> labels;
  CaseEvent ev;
  DecodeError error;
  feedgen::FeedLine line;
  while (generator.next(line)) {
    ASSERT_TRUE(decoder.decode(line.json, ev, error)) << error.message();
    CaseUpdate u;
    if (ev.type != EventType::kVisit) {
      if (ev.type != EventType::kRegistered && cases.find(ev.case_id) == kNoCase) continue;
      u = cases.apply(ev);
    }
    builder.observe(ev, u, cases);
    if (u.index == kNoCase) continue;
    // A reply in the last 40 days may have its review (3 to 28 working-day-adjusted days later)
    // cut off by the end of the feed: a label flipped to 0 at random, which would shrink every
    // coefficient towards 0. Those replies are left out.
    if (ev.type == EventType::kReplied && !row_of.contains(u.index) &&
        ev.ts < generator.windowEnd() - 40 * kMsPerDay) {
      EscalationFeatures f;
      builder.compute(cases, u.index, ev.ts, f);
      std::vector<double> row;
      for (std::string_view t : terms) {
        row.push_back(f[static_cast<size_t>(escalationFeatureIndex(t))]);
      }
      row_of[u.index] = rows.size();
      rows.push_back(std::move(row));
      labels.push_back(0);
    } else if (ev.type == EventType::kReviewRequested) {
      if (auto it = row_of.find(u.index); it != row_of.end()) labels[it->second] = 1;
    }
  }
  const auto n = static_cast<Eigen::Index>(rows.size());
  ASSERT_GT(n, 50000);
  Eigen::MatrixXd x(n, static_cast<Eigen::Index>(terms.size()));
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      x(i, j) = rows[static_cast<size_t>(i)][static_cast<size_t>(j)];
    }
    y[i] = labels[static_cast<size_t>(i)];
  }
  std::vector<std::string> names(terms.begin(), terms.end());
  auto fit = fitLogistic(x, y, {}, names);
  ASSERT_TRUE(fit.ok()) << fit.status();
  for (size_t j = 0; j < truth.size(); ++j) {
    const std::string name = j == 0 ? "intercept" : names[j - 1];
    std::printf("%-18s truth %+.3f fitted %+.4f (std error %.4f)\n", name.c_str(), truth[j],
                fit->coefficients[static_cast<Eigen::Index>(j)],
                fit->std_errors[static_cast<Eigen::Index>(j)]);
    EXPECT_NEAR(fit->coefficients[static_cast<Eigen::Index>(j)], truth[j], 0.1 * std::abs(truth[j]))
        << name << " (std error " << fit->std_errors[static_cast<Eigen::Index>(j)] << ", " << n
        << " replies)";
  }
}

}  // namespace
}  // namespace casewatch
