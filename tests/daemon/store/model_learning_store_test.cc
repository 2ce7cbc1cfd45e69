// The store's learning tables: training rows come back bit for bit (features as IEEE doubles), a
// row written again is replaced (a journal replay after a restart rewrites the same rows), the
// most recent `limit` rows are read oldest first, and refits are listed newest first, accepted
// ones alone on request; all of it survives closing and reopening the database. On both engines.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/fakes/alert_store_engines.h"

namespace casewatch {
namespace {

TrainingRow row(int i, int label) {
  TrainingRow r;
  r.model = "escalation_risk";
  r.row_id = "ev-" + std::to_string(i);
  r.case_id = "C" + std::to_string(i / 3);
  r.registered_at = 1772586900000 + (i / 3) * 1000;
  r.at = 1772586900000 + i * 60000;
  r.label = label;
  r.features = {0.1 * i, 1.0 / 3.0, std::numeric_limits<double>::denorm_min(), -0.0, 1e300};
  return r;
}

template <typename Engine>
class ModelLearningStoreTest : public ::testing::Test {
 protected:
  Engine place_;
};
TYPED_TEST_SUITE(ModelLearningStoreTest, testing::AlertStoreEngines,
                 testing::AlertStoreEngineNames);

TYPED_TEST(ModelLearningStoreTest, RowsAndFitsRoundTrip) {
  {
    auto store = this->place_.open();
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<TrainingRow> rows;
    for (int i = 0; i < 10; ++i) rows.push_back(row(i, i % 2));
    (*store)->addTrainingRows(rows);
    (*store)->addTrainingRows({row(4, 1)});  // written again: replaced, not doubled
    TrainingRow other = row(99, 1);
    other.model = "other";
    (*store)->addTrainingRows({other});
    ModelFitRow refused{0, "escalation_risk", 1000, 10, 0.55, 0.2, false, "auc_below_gate", "{}"};
    ModelFitRow accepted{0, "escalation_risk", 2000, 10, 0.8, 0.01, true, "passed", "{\"a\":1}"};
    ModelFitRow later{0, "escalation_risk", 3000, 10, std::nan(""), 0, false, "too_few", "{}"};
    (*store)->recordModelFit(refused);
    (*store)->recordModelFit(accepted);
    (*store)->recordModelFit(later);
    (*store)->flush();
  }
  auto store = this->place_.open();
  ASSERT_TRUE(store.ok()) << store.status();
  auto all = (*store)->loadTrainingRows("escalation_risk", 0);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 10u);
  for (int i = 0; i < 10; ++i) {
    const TrainingRow want = row(i, i == 4 ? 1 : i % 2);
    const TrainingRow& got = (*all)[static_cast<size_t>(i)];
    EXPECT_EQ(got.row_id, want.row_id);
    EXPECT_EQ(got.case_id, want.case_id);
    EXPECT_EQ(got.registered_at, want.registered_at);
    EXPECT_EQ(got.at, want.at);
    EXPECT_EQ(got.label, want.label);
    ASSERT_EQ(got.features.size(), want.features.size());
    for (size_t k = 0; k < want.features.size(); ++k) {
      EXPECT_EQ(std::signbit(got.features[k]), std::signbit(want.features[k]));
      EXPECT_EQ(got.features[k], want.features[k]);
    }
  }
  auto recent = (*store)->loadTrainingRows("escalation_risk", 3);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ((*recent)[0].row_id, "ev-7");
  EXPECT_EQ((*recent)[2].row_id, "ev-9");

  auto fits = (*store)->listModelFits("escalation_risk", 10);
  ASSERT_TRUE(fits.ok());
  ASSERT_EQ(fits->size(), 3u);
  EXPECT_EQ((*fits)[0].reason, "too_few");
  EXPECT_TRUE(std::isnan((*fits)[0].auc));
  auto accepted = (*store)->listModelFits("escalation_risk", 1, true);
  ASSERT_TRUE(accepted.ok());
  ASSERT_EQ(accepted->size(), 1u);
  EXPECT_EQ((*accepted)[0].at, 2000);
  EXPECT_DOUBLE_EQ((*accepted)[0].auc, 0.8);
  EXPECT_EQ((*accepted)[0].json, "{\"a\":1}");
  EXPECT_TRUE((*accepted)[0].accepted);
}

}  // namespace
}  // namespace casewatch
