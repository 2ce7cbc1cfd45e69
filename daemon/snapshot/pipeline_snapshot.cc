// The pipeline's part of a snapshot (daemon/pipeline.h: saveState, loadState).
#include <string>

#include "base/str_cat.h"
#include "daemon/pipeline.h"

namespace casewatch {

bool Pipeline::saveState(ArchiveOut& out) const {
  out.pod(event_clock_.now());
  out.pod(models_now_);
  out.pod(next_purge_at_);
  out.pod(counters_);
  seen_.save(out);
  out.count(last_seq_.size());
  for (const auto& [source, seq] : last_seq_) {
    out.str(source);
    out.pod(seq);
  }
  orphans_.save(out);
  scope_.save(out);
  cases_.save(out);
  visits_.save(out);
  book_.save(out);
  regions_.save(out);
  out.count(models_.size());
  for (const auto& m : models_) {
    // Each model's part is length-prefixed, so that a start-up whose models differ can skip it.
    out.str(m->name());
    const size_t part = out.beginPart();
    if (!m->saveState(out)) return false;
    out.endPart(part);
  }
  return true;
}

absl::Status Pipeline::loadState(ArchiveIn& in, bool with_models,
                                 const std::function<void()>& book_loaded) {
  auto bad = [&](std::string_view part) {
    return absl::DataLossError(
        strCat("snapshot: pipeline: ", part, " unreadable at byte ", in.offset()));
  };
  event_clock_.advanceTo(in.get<TimeMs>());
  in.pod(models_now_);
  in.pod(next_purge_at_);
  in.pod(counters_);
  if (!seen_.load(in)) return bad("dedup window");
  size_t n = 0;
  if (!in.count(n, 16)) return bad("sequence trackers");
  last_seq_.clear();
  std::string source;
  for (size_t i = 0; i < n && in.str(source); ++i) last_seq_[source] = in.get<uint64_t>();
  if (!in.ok()) return bad("sequence trackers");
  if (!orphans_.load(in)) return bad("orphans");
  if (!scope_.load(in)) return bad("foreign cases");
  if (!cases_.load(in)) return bad("cases");
  if (!visits_.load(in)) return bad("visit log");
  if (!book_.load(in)) return bad("alert book");
  if (book_loaded) book_loaded();
  if (!regions_.load(in)) return bad("region board");
  if (!in.count(n, 16)) return bad("models");
  if (!with_models) {
    std::string_view skipped;
    for (size_t i = 0; i < n; ++i) in.view(skipped), in.view(skipped);
    return in.ok() ? absl::OkStatus() : bad("models");
  }
  if (n != models_.size()) {
    return absl::FailedPreconditionError(
        strCat("snapshot: taken with ", n, " models, ", models_.size(), " configured now"));
  }
  std::string_view name, part;
  for (const auto& m : models_) {
    if (!in.view(name) || !in.view(part)) return bad("models");
    if (name != m->name()) {
      return absl::FailedPreconditionError(
          strCat("snapshot: taken with model ", name, " where ", m->name(), " runs now"));
    }
    ArchiveIn model_in(part);
    if (!m->loadState(model_in) || !model_in.atEnd()) {
      return absl::DataLossError(strCat("snapshot: model ", name, " state unreadable"));
    }
  }
  return absl::OkStatus();
}

}  // namespace casewatch
