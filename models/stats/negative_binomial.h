// The upper tail of the negative binomial distribution: the probability of a count at least `x`
// when counts are Poisson with a rate that is Gamma-distributed (shape `size`, mean `mean`), as
// R's pnbinom(x - 1, size, mu = mean, lower.tail = FALSE). Used by the recurring_matter model to
// judge a matter's contact count against the baseline of its category.
//
// P(X ≥ x) = I_q(x, size) with q = mean / (size + mean), the regularised incomplete beta function
// (Boost.Math's ibeta, with a policy that returns NaN instead of throwing: the hot path never
// throws). P(X ≥ 0) = 1. Checked in tests/models/stats/negative_binomial_test.cc against the
// geometric closed form (size 1) and a direct sum of the probability mass function.
//
// Pure function; thread-safe.
#pragma once

#include <cstdint>

namespace casewatch {

// P(X ≥ x) for X ~ NB(size, mean); size > 0, mean ≥ 0. NaN for arguments out of range.
double negativeBinomialTail(int64_t x, double size, double mean);

}  // namespace casewatch
