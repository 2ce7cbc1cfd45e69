#include "models/stats/negative_binomial.h"

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>

namespace casewatch {
namespace {

// Errors become NaN (or the limit), never an exception.
using NoThrow = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

}  // namespace

double negativeBinomialTail(int64_t x, double size, double mean) {
  if (!(size > 0) || !(mean >= 0) || !std::isfinite(size) || !std::isfinite(mean)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x <= 0) return 1.0;
  if (mean == 0) return 0.0;
  const double q = mean / (size + mean);
  return boost::math::ibeta(static_cast<double>(x), size, q, NoThrow());
}

}  // namespace casewatch
