// The self-fit's gates and held-out slice: on rows taken from a feedgen history (escalations from
// its known model) the fit passes; on the same rows with shuffled labels it is refused; the
// held-out slice is the most recently registered cases (rows whose relation flips for the newest
// cases fail the gate); too few cases are refused; the record survives its JSON (the store's).
#include "models/escalation_risk/escalation_self_fit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

// The labelled rows of a feedgen history, and in `end` the time of its last event (the fit's time:
// the rows whose window is still open then are left out of a fit).
std::vector<EscalationRow> feedgenRows(uint64_t cases, int days, uint64_t seed, int every_days,
                                       TimeMs& end) {
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
  EscalationRowTaker taker(30, every_days);
  CaseEvent ev;
  DecodeError error;
  feedgen::FeedLine line;
  while (generator.next(line)) {
    if (!decoder.decode(line.json, ev, error)) continue;
    end = std::max(end, ev.ts);
    taker.advanceTo(ev.ts, store, features);  // as the pipeline moves the clock first
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

// Enough cases for every coefficient's standard error to be well inside 10 % of it.
constexpr uint64_t kRecoveryCases = 200000;

TimeMs shared_end = 0;
const std::vector<EscalationRow>& sharedRows() {
  static const std::vector<EscalationRow> rows = feedgenRows(4000, 150, 21, 10, shared_end);
  return rows;
}
TimeMs sharedEnd() {
  (void)sharedRows();
  return shared_end;
}

TEST(EscalationSelfFitTest, AcceptsAFitOnAFeedgenHistory) {
  const std::vector<EscalationRow>& rows = sharedRows();
  ASSERT_GT(rows.size(), 5000u);
  const EscalationFitRecord fit = selfFitEscalation(rows, EscalationLearnConfig{}, sharedEnd());
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

// The self-fit with the daemon's defaults (EscalationLearnConfig{}: rows every 10 days, a 30-day
// horizon, l2 0.01, the newest 20 % of cases held out, then refitted on all rows) recovers
// feedgen's known model (tools/feedgen/case_lifecycle.h, kEscalationTruth: σ(η) is the probability
// of an escalation within 30 days of every 10-day moment of a case) and passes the gates: each true
// coefficient within 10 %, the intercept within 10 %, and the features the truth leaves out near 0
// (level_gap among them: it was quasi-separated at −10.5 while feedgen's escalation visit went to
// the city whatever the case's level, so that a case lodged at the city could never escalate).
TEST(EscalationSelfFitTest, RecoversFeedgensKnownModel) {
  const EscalationLearnConfig learn;
  // The truth is drawn on the defaults' schedule.
  ASSERT_EQ(learn.row_every_days, feedgen::kEscalationTruthEveryDays);
  ASSERT_EQ(learn.horizon_days, feedgen::kEscalationTruthHorizonDays);
  TimeMs end = 0;
  const std::vector<EscalationRow> rows =
      feedgenRows(kRecoveryCases, 365, 5, learn.row_every_days, end);
  const EscalationFitRecord fit = selfFitEscalation(rows, learn, end);
  std::printf("rows %zu cases %zu positives %zu held-out AUC %.4f ECE %.4f: %s\n", fit.rows,
              fit.cases, fit.positives, fit.auc.value_or(0), fit.calibration_error,
              fit.reason.c_str());
  ASSERT_TRUE(fit.accepted) << fit.reason;
  const feedgen::EscalationTruth& t = feedgen::kEscalationTruth;
  const std::vector<std::pair<std::string_view, double>> truth = {
      {"intercept", t.intercept},
      {"not_upheld", t.not_upheld},
      {"leader_assigned", t.leader_assigned},
      {"hearing_held", t.hearing_held},
      {"aid_granted", t.aid_granted},
      {"log_group_size", t.log_group_size},
      {"channel_visit", t.channel_visit},
      {"category_judicial", t.category_judicial}};
  auto coefficient = [&](std::string_view name) {
    if (name == "intercept") return fit.model.intercept;
    return fit.model.coefficients[static_cast<size_t>(escalationFeatureIndex(name))];
  };
  for (const auto& [name, b] : truth) {
    const double got = coefficient(name);
    std::printf("%-18s truth %6.2f fit %7.3f (%4.1f %%)\n", std::string(name).c_str(), b, got,
                100 * std::abs(got - b) / std::abs(b));
    EXPECT_LE(std::abs(got - b), 0.1 * std::abs(b)) << name;
  }
  // The features the truth leaves out change little: over the rows, the fitted probability is
  // within a point of the truth's on average, and level_gap (−10.5 before) carries nothing.
  double gap = 0;
  for (const EscalationRow& r : rows) {
    double eta = t.intercept, fitted = fit.model.intercept;
    for (const auto& [name, b] : truth) {
      if (name != "intercept")
        eta += b * r.features[static_cast<size_t>(escalationFeatureIndex(name))];
    }
    for (size_t k = 0; k < kEscalationFeatureCount; ++k) {
      fitted += fit.model.coefficients[k] * r.features[k];
    }
    gap += std::abs(1 / (1 + std::exp(-fitted)) - 1 / (1 + std::exp(-eta)));
  }
  gap /= static_cast<double>(rows.size());
  const double level_gap =
      fit.model.coefficients[static_cast<size_t>(escalationFeatureIndex("level_gap"))];
  std::printf("mean |fitted - true probability| %.4f; level_gap %.3f\n", gap, level_gap);
  EXPECT_LE(gap, 0.01);
  EXPECT_LE(std::abs(level_gap), 0.1);
}

TEST(EscalationSelfFitTest, RefusesAFitOnShuffledLabels) {
  std::vector<EscalationRow> rows = sharedRows();
  std::vector<int> labels;
  for (const EscalationRow& r : rows) labels.push_back(r.label);
  std::mt19937_64 rng(7);
  std::shuffle(labels.begin(), labels.end(), rng);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].label = labels[i];
  const EscalationFitRecord fit = selfFitEscalation(rows, EscalationLearnConfig{}, sharedEnd());
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
  const EscalationFitRecord fit = selfFitEscalation(rows, learn, TimeMs{2000} * kMsPerDay);
  EXPECT_EQ(fit.holdout_cases, 200u);
  EXPECT_EQ(fit.holdout_rows, 600u);
  ASSERT_TRUE(fit.auc.has_value()) << fit.reason;
  EXPECT_LT(*fit.auc, 0.5);
  EXPECT_FALSE(fit.accepted);
}

// A row whose 30-day window is still open at the fit's time is left out, labelled 1 or not: of
// those only the escalated are labelled yet. The same rows fitted 30 days later are all used.
TEST(EscalationSelfFitTest, LeavesOutTheRowsWhoseWindowIsStillOpen) {
  const std::vector<EscalationRow>& rows = sharedRows();
  const TimeMs end = sharedEnd();
  size_t open = 0, open_positives = 0;
  for (const EscalationRow& r : rows) {
    if (r.at + 30 * kMsPerDay > end) {
      ++open;
      open_positives += static_cast<size_t>(r.label);
    }
  }
  ASSERT_GT(open, 0u);
  EXPECT_EQ(open_positives, open);  // only escalations are labelled before the window closes
  const EscalationFitRecord now = selfFitEscalation(rows, EscalationLearnConfig{}, end);
  EXPECT_EQ(now.waiting_rows, open);
  EXPECT_EQ(now.rows, rows.size() - open);
  const EscalationFitRecord later =
      selfFitEscalation(rows, EscalationLearnConfig{}, end + 30 * kMsPerDay);
  EXPECT_EQ(later.waiting_rows, 0u);
  EXPECT_EQ(later.rows, rows.size());
}

TEST(EscalationSelfFitTest, RefusesTooFewCases) {
  std::vector<EscalationRow> rows(sharedRows().begin(), sharedRows().begin() + 50);
  const EscalationFitRecord fit = selfFitEscalation(rows, EscalationLearnConfig{}, sharedEnd());
  EXPECT_FALSE(fit.accepted);
  EXPECT_EQ(fit.reason.rfind("too_few_cases", 0), 0u) << fit.reason;
}

TEST(EscalationSelfFitTest, TheRecordSurvivesItsJson) {
  const EscalationFitRecord fit =
      selfFitEscalation(sharedRows(), EscalationLearnConfig{}, sharedEnd());
  auto back = parseEscalationFitJson(escalationFitJson(fit));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->at, sharedEnd());
  EXPECT_EQ(back->waiting_rows, fit.waiting_rows);
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
  const EscalationFitRecord a =
      selfFitEscalation(sharedRows(), EscalationLearnConfig{}, sharedEnd());
  const EscalationFitRecord b = selfFitEscalation(rows, EscalationLearnConfig{}, sharedEnd());
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.auc, b.auc);
}

}  // namespace
}  // namespace casewatch
