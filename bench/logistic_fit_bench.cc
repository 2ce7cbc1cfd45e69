// The escalation fit (models/stats/logistic_regression.h): IRLS on 100,000 rows × 20 features
// (12 standard-normal, 8 binary with rate 0.3; a known generating model, seeded), the whole
// fitLogistic call timed (checks, Newton iterations, standard errors). Target: well under a
// second. Also rocAuc on 100,000 scores (the held-out part's AUC).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "models/stats/logistic_regression.h"

namespace casewatch {
namespace {

struct Data {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

const Data& data() {
  static const Data d = [] {
    constexpr Eigen::Index kRows = 100'000, kCols = 20;
    Data out{Eigen::MatrixXd(kRows, kCols), Eigen::VectorXd(kRows)};
    std::mt19937_64 rng(1);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    for (Eigen::Index i = 0; i < kRows; ++i) {
      double eta = -1;
      for (Eigen::Index j = 0; j < kCols; ++j) {
        out.x(i, j) = j < 12 ? normal(rng) : (uniform(rng) < 0.3 ? 1.0 : 0.0);
        eta += (j % 2 == 0 ? 0.4 : -0.3) * out.x(i, j);
      }
      out.y[i] = uniform(rng) < logistic(eta) ? 1 : 0;
    }
    return out;
  }();
  return d;
}

// As the fit runs it (the matrix products on AVX2 where the CPU has it), and on the baseline
// build side by side.
void BM_LogisticFit(benchmark::State& state, bool avx2) {
  const Data& d = data();
  LogisticOptions options;
  options.avx2 = avx2;
  int iterations = 0;
  for (auto _ : state) {
    auto fit = fitLogistic(d.x, d.y, options);
    if (!fit.ok()) {
      state.SkipWithError("fit failed");
      break;
    }
    iterations = fit->iterations;
    benchmark::DoNotOptimize(fit->coefficients.data());
  }
  state.counters["rows"] = static_cast<double>(d.x.rows());
  state.counters["features"] = static_cast<double>(d.x.cols());
  state.counters["newton_iterations"] = iterations;
}
BENCHMARK_CAPTURE(BM_LogisticFit, best, true)
    ->Name("Escalation/Fit100kx20")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_LogisticFit, baseline, false)
    ->Name("Escalation/Fit100kx20Baseline")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

void BM_Auc(benchmark::State& state) {
  const Data& d = data();
  const std::vector<double> scores(d.x.col(0).data(), d.x.col(0).data() + d.x.rows());
  const std::vector<double> labels(d.y.data(), d.y.data() + d.y.size());
  for (auto _ : state) benchmark::DoNotOptimize(rocAuc(scores, labels));
}
BENCHMARK(BM_Auc)->Name("Escalation/Auc100k")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace casewatch
