// The repeat_visit refit (models/stats/hawkes_fit.h, hawkes_likelihood.h): its objective, the
// pooled log-likelihood of 100,000 streams shaped like the daemon's (a 180-day window, each
// (person, matter) pair's first contact uniform in it, most with no return; a fifth weighted),
// one evaluation per iteration, beside the same sum stream by stream
// (hawkesStreamLogLikelihood); and a whole fitHawkes on 20,000 such streams, from the three cold
// starts and from an earlier fit's parameters (the daemon's daily refit).
#include <benchmark/benchmark.h>

#include <optional>
#include <random>
#include <vector>

#include "models/stats/hawkes_fit.h"
#include "models/stats/hawkes_likelihood.h"
#include "tests/fakes/hawkes_streams.h"

namespace casewatch {
namespace {

constexpr double kWindowDays = 180;
const HawkesParams kTruth{0.004, 0.3, 0.6};

std::vector<HawkesStream> makeStreams(size_t n) {
  std::mt19937_64 rng(20261206);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<HawkesStream> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    HawkesStream s;
    s.times = testing::simulateHawkesStream(kTruth, u(rng) * kWindowDays, kWindowDays, rng);
    s.end = kWindowDays;
    if (u(rng) < 0.2) {
      for (size_t k = 0; k < s.times.size(); ++k) s.weights.push_back(u(rng) < 0.5 ? 1.5 : 1.0);
    }
    out.push_back(std::move(s));
  }
  return out;
}

const std::vector<HawkesStream>& streams100k() {
  static const std::vector<HawkesStream> s = makeStreams(100'000);
  return s;
}

size_t returns(const std::vector<HawkesStream>& streams) {
  size_t n = 0;
  for (const HawkesStream& s : streams) n += s.times.size() - 1;
  return n;
}

// Parameters away from the truth, as the simplex visits them.
const HawkesParams kProbe{0.01, 0.2, 1.3};

void BM_StreamByStream(benchmark::State& state) {
  const auto& streams = streams100k();
  for (auto _ : state) {
    double ll = 0;
    for (const HawkesStream& s : streams)
      ll += hawkesStreamLogLikelihood(kProbe, s.times, s.end, s.weights);
    benchmark::DoNotOptimize(ll);
  }
  state.counters["streams"] = static_cast<double>(streams.size());
  state.counters["returns"] = static_cast<double>(returns(streams));
}
BENCHMARK(BM_StreamByStream)
    ->Name("Hawkes/LogLikelihood100k/StreamByStream")
    ->Unit(benchmark::kMillisecond);

// The pooled form as the fit runs it (the AVX2 build where the CPU has it: avx2=1), and its
// baseline build side by side.
void BM_Pooled(benchmark::State& state, HawkesLikelihood::Kernel kernel) {
  const auto& streams = streams100k();
  HawkesLikelihood ll(streams, kernel);
  for (auto _ : state) benchmark::DoNotOptimize(ll(kProbe));
  state.counters["streams"] = static_cast<double>(streams.size());
  state.counters["returns"] = static_cast<double>(returns(streams));
  state.counters["avx2"] = ll.usesAvx2() ? 1 : 0;
}
BENCHMARK_CAPTURE(BM_Pooled, best, HawkesLikelihood::Kernel::kBest)
    ->Name("Hawkes/LogLikelihood100k/Pooled")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Pooled, baseline, HawkesLikelihood::Kernel::kBaseline)
    ->Name("Hawkes/LogLikelihood100k/PooledBaseline")
    ->Unit(benchmark::kMillisecond);

const std::vector<HawkesStream>& streams20k() {
  static const std::vector<HawkesStream> s = makeStreams(20'000);
  return s;
}

void runFits(benchmark::State& state, const std::optional<HawkesParams>& start) {
  int evaluations = 0;
  for (auto _ : state) {
    auto fit = fitHawkes(streams20k(), start);
    if (!fit.ok()) {
      state.SkipWithError("fit failed");
      break;
    }
    evaluations = fit->evaluations;
    benchmark::DoNotOptimize(fit->params.mu);
  }
  state.counters["evaluations"] = evaluations;
}

void BM_Fit(benchmark::State& state) {
  runFits(state, std::nullopt);
}
BENCHMARK(BM_Fit)->Name("Hawkes/Fit20k")->Unit(benchmark::kMillisecond)->Iterations(3);

// The daemon's daily refit: started from the day before's parameters (here the truth's
// neighbourhood: a cold fit of the same streams with 1 % fewer of them).
void BM_FitWarm(benchmark::State& state) {
  static const HawkesParams before = [] {
    const std::vector<HawkesStream> fewer(streams20k().begin(), streams20k().end() - 200);
    return fitHawkes(fewer)->params;
  }();
  runFits(state, before);
}
BENCHMARK(BM_FitWarm)
    ->Name("Hawkes/Fit20k/FromTheDayBefore")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace
}  // namespace casewatch
