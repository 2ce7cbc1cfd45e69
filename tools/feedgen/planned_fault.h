// Which statutory deadline a generated case is planned to miss, if any.
//
// The generator's own mix (the default): about 12% of regular cases, 14% of repeat petitioners'
// and 2% of collective cases get a fault, drawn over every stage; some never bite (a slow
// acceptance after a transfer that does not happen, a late written reply whose deadline falls after
// the window), so about 8% of a 120-day feed's cases end up overdue.
//
// With an overdue share S (`feedgen --overdue-share`), a share S of the cases gets a fault that
// bites within the first fifteen days — a late or missing procedural reply, late or missing
// routing — and the others meet every deadline, reviews and re-reviews included (all but about one
// in 10,000, whose reply lands on its deadline day after a shifted acceptance). The feed's
// overdue share (the truth file's) is then S among the cases registered at least 16 days before the
// end of the feed; younger cases have not reached those deadlines yet.
//
// Thread-safety: stateless; the Rng is the caller's.
#pragma once

#include <cstdint>
#include <optional>

#include "tools/feedgen/rng.h"
#include "tools/feedgen/stream.h"

namespace casewatch::feedgen {

enum class Fault : uint8_t {
  kNone,
  kProcLate,       // the procedural reply comes after its deadline
  kProcNever,      // no procedural reply (the written reply or the close then satisfies it late)
  kRoutingLate,    // accepted / rejected / transferred after 15 days
  kRoutingStall,   // never routed: the case sits
  kTransferLate,   // the receiving agency is slow to accept
  kHandlingLate,   // replied after the handling deadline
  kHandlingStall,  // accepted and never replied
};

// Draws the case's fault: the generator's mix without `overdue_share`, else a biting fault with
// probability *overdue_share. The default draws exactly as the generator always has (same seed,
// same bytes).
Fault planFault(Profile profile, const std::optional<double>& overdue_share, Rng& r);

}  // namespace casewatch::feedgen
