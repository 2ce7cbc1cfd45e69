// The self-fit's gates and held-out slice: on rows taken from a feedgen history (escalations from
// its known model) the fit passes; on the same rows with shuffled labels it is refused; the
// held-out slice is the most recently registered cases (rows whose relation flips for the newest
// cases fail the gate); too few cases are refused; the record survives its JSON (the store's).
#include "models/escalation_risk/escalation_self_fit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "models/escalation_risk/escalation_rows.h"
#include "state/case_store.h"
#include "tools/feedgen/case_lifecycle.h"
#include "tools/feedgen/feed_generator.h"

namespace casewatch {
namespace {

std::vector<EscalationRow> feedgenRows(uint64_t cases, int days, uint64_t seed) {
  feedgen::FeedgenOptions options;
  options.cases = cases;
  options.days = days;
  options.seed = seed;
  options.escalation_model = true;
  feedgen::FeedGenerator generator(options, /*with_truth=*/false);
  const Pseudonymizer pseudonymizer(Pseudonymizer::demoKey());
  EventDecoder decoder(pseudonymizer);
  CaseStore store;
  EscalationFeatureBuilder features(ClocksConfig{}, 30);
  EscalationRowTaker taker(30);
  CaseEvent ev;
  DecodeError error;
  feedgen::FeedLine line;
  while (generator.next(line)) {
    if (!decoder.decode(line.json, ev, error)) continue;
    if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit &&
        store.find(ev.case_id) == kNoCase) {
      continue;
    }
    const CaseUpdate u = store.apply(ev);
    features.observe(ev, u, store);
    taker.onEvent(ev, u, store, features);
  }
  return taker.takeLabelled();
}

const std::vector<EscalationRow>& sharedRows() {
  static const std::vector<EscalationRow> rows = feedgenRows(4000, 150, 21);
  return rows;
}

TEST(EscalationSelfFitTest, AcceptsAFitOnAFeedgenHistory) {
  const std::vector<EscalationRow>& rows = sharedRows();
  ASSERT_GT(rows.size(), 5000u);
  const EscalationFitRecord fit = selfFitEscalation(rows, EscalationLearnConfig{}, 1);
  std::printf("rows %zu cases %zu positives %zu held-out cases %zu AUC %.4f ECE %.4f: %s\n",
              fit.rows, fit.cases, fit.positives, fit.holdout_cases, fit.auc.value_or(0),
              fit.calibration_error, fit.reason.c_str());
  EXPECT_TRUE(fit.accepted) << fit.reason;
  ASSERT_TRUE(fit.auc.has_value());
  EXPECT_GE(*fit.auc, 0.65);
  EXPECT_LE(fit.calibration_error, 0.08);
  EXPECT_FALSE(fit.calibration.empty());
  // not_upheld drives feedgen's reviews: the strongest positive coefficient.
  const int k = escalationFeatureIndex("not_upheld");
  EXPECT_GT(fit.model.coefficients[static_cast<size_t>(k)], 1.0);
  EXPECT_EQ(fit.model.horizon_days, 30);
}

TEST(EscalationSelfFitTest, RefusesAFitOnShuffledLabels) {
  std::vector<EscalationRow> rows = sharedRows();
  std::vector<int> labels;
  for (const EscalationRow& r : rows) labels.push_back(r.label);
  std::mt19937_64 rng(7);
  std::shuffle(labels.begin(), labels.end(), rng);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].label = labels[i];
  const EscalationFitRecord fit = selfFitEscalation(rows, EscalationLearnConfig{}, 1);
  std::printf("shuffled: AUC %.4f ECE %.4f: %s\n", fit.auc.value_or(0), fit.calibration_error,
              fit.reason.c_str());
  EXPECT_FALSE(fit.accepted);
  EXPECT_EQ(fit.reason.rfind("auc_below_gate", 0), 0u) << fit.reason;
}

// Cases registered on days 0..999; x predicts y one way for the first 800 and the other way for
// the last 200. Only a held-out slice made of the newest cases sees the flip.
TEST(EscalationSelfFitTest, HoldsOutTheMostRecentlyRegisteredCases) {
  std::vector<EscalationRow> rows;
  std::mt19937_64 rng(3);
  std::bernoulli_distribution coin(0.5), noise(0.1);
  const int k = escalationFeatureIndex("not_upheld");
  for (int c = 0; c < 1000; ++c) {
    for (int r = 0; r < 3; ++r) {
      EscalationRow row;
      row.case_id = "C" + std::to_string(c);
      row.row_id = row.case_id + "-" + std::to_string(r);
      // Registration order is the reverse of the ids' order, so no other order gives this slice.
      row.registered_at = TimeMs{999 - c} * kMsPerDay;
      row.at = row.registered_at + r * kMsPerHour;
      const bool x = coin(rng);
      row.features[static_cast<size_t>(k)] = x ? 1 : 0;
      const bool flipped = c < 200;  // the 200 newest
      const bool y = (x != flipped) != noise(rng);
      row.label = y ? 1 : 0;
      rows.push_back(row);
    }
  }
  EscalationLearnConfig learn;
  learn.min_labelled_cases = 100;
  const EscalationFitRecord fit = selfFitEscalation(rows, learn, 1);
  EXPECT_EQ(fit.holdout_cases, 200u);
  EXPECT_EQ(fit.holdout_rows, 600u);
  ASSERT_TRUE(fit.auc.has_value()) << fit.reason;
  EXPECT_LT(*fit.auc, 0.5);
  EXPECT_FALSE(fit.accepted);
}

TEST(EscalationSelfFitTest, RefusesTooFewCases) {
  std::vector<EscalationRow> rows(sharedRows().begin(), sharedRows().begin() + 50);
  const EscalationFitRecord fit = selfFitEscalation(rows, EscalationLearnConfig{}, 1);
  EXPECT_FALSE(fit.accepted);
  EXPECT_EQ(fit.reason.rfind("too_few_cases", 0), 0u) << fit.reason;
}

TEST(EscalationSelfFitTest, TheRecordSurvivesItsJson) {
  const EscalationFitRecord fit = selfFitEscalation(sharedRows(), EscalationLearnConfig{}, 12345);
  auto back = parseEscalationFitJson(escalationFitJson(fit));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->at, 12345);
  EXPECT_EQ(back->accepted, fit.accepted);
  EXPECT_EQ(back->rows, fit.rows);
  EXPECT_EQ(back->model, fit.model);
  EXPECT_EQ(back->auc, fit.auc);
  EXPECT_EQ(back->calibration.size(), fit.calibration.size());
  EXPECT_EQ(back->reason, fit.reason);
}

TEST(EscalationSelfFitTest, TheSameRowsInAnyOrderGiveTheSameFit) {
  std::vector<EscalationRow> rows = sharedRows();
  std::reverse(rows.begin(), rows.end());
  const EscalationFitRecord a = selfFitEscalation(sharedRows(), EscalationLearnConfig{}, 1);
  const EscalationFitRecord b = selfFitEscalation(rows, EscalationLearnConfig{}, 1);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.auc, b.auc);
}

}  // namespace
}  // namespace casewatch
