#include "alerts/sinks/retry_stage.h"

#include <algorithm>
#include <vector>

namespace casewatch {

RetryStage::RetryStage(Sink& sink, Options options)
    : sink_(sink),
      batch_sink_(dynamic_cast<BatchSink*>(&sink)),
      options_(std::move(options)),
      rng_(options_.jitter_seed | 1) {
  options_.max_batch = std::max<size_t>(options_.max_batch, 1);
  options_.max_queue = std::max<size_t>(options_.max_queue, 1);
}

void RetryStage::submit(const AlertChange& change) {
  std::string key;
  if (options_.coalesce_key) {
    key = options_.coalesce_key(change);
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      queue_[it->second - popped_].change = change;  // only the latest state matters
      ++stats_.coalesced;
      return;
    }
  }
  if (queue_.size() >= options_.max_queue) {
    if (!queue_.front().key.empty()) by_key_.erase(queue_.front().key);
    queue_.pop_front();
    ++popped_;
    ++stats_.overflowed;
  }
  if (!key.empty()) by_key_.emplace(key, popped_ + queue_.size());
  queue_.push_back(Waiting{change, std::move(key)});
}

int64_t RetryStage::nextDelay() {
  const RetryPolicy& p = options_.policy;
  backoff_ms_ = backoff_ms_ == 0
                    ? p.initial_backoff_ms
                    : std::min<int64_t>(
                          p.max_backoff_ms,
                          static_cast<int64_t>(static_cast<double>(backoff_ms_) * p.multiplier));
  // xorshift64: cheap, seeded, good enough to spread retries.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  const double u = static_cast<double>(rng_ >> 11) / static_cast<double>(1ULL << 53);
  const double factor = 1.0 + p.jitter * (2.0 * u - 1.0);
  return std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(backoff_ms_) * factor));
}

SinkOutcome RetryStage::attempt(int64_t now_ms) {
  if (queue_.empty()) return SinkOutcome::kDelivered;
  size_t n = 1;
  SinkOutcome outcome;
  if (batch_sink_ != nullptr) {
    n = std::min(options_.max_batch, queue_.size());
    std::vector<const AlertChange*> batch;
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) batch.push_back(&queue_[i].change);
    outcome = batch_sink_->deliverBatch(batch);
  } else {
    outcome = sink_.deliver(queue_.front().change);
  }
  if (outcome == SinkOutcome::kRetryLater) {
    ++stats_.retries;
    next_attempt_ms_ = now_ms + nextDelay();
    return outcome;
  }
  // Delivered, or refused for good (the peer answered): either way the peer is up again.
  (outcome == SinkOutcome::kDelivered ? stats_.delivered : stats_.given_up) += n;
  for (size_t i = 0; i < n; ++i) {
    if (!queue_.front().key.empty()) by_key_.erase(queue_.front().key);
    queue_.pop_front();
    ++popped_;
  }
  backoff_ms_ = 0;
  next_attempt_ms_ = 0;
  return outcome;
}

std::optional<int64_t> RetryStage::pump(int64_t now_ms) {
  while (!queue_.empty() && now_ms >= next_attempt_ms_) {
    if (attempt(now_ms) == SinkOutcome::kRetryLater) break;
  }
  if (queue_.empty()) return std::nullopt;
  return next_attempt_ms_;
}

void RetryStage::drain(int64_t now_ms, int attempts) {
  int failures = 0;
  while (!queue_.empty() && failures < attempts) {
    if (attempt(now_ms) == SinkOutcome::kRetryLater) ++failures;
  }
}

std::vector<AlertChange> RetryStage::takeWaiting() {
  std::vector<AlertChange> out;
  out.reserve(queue_.size());
  for (Waiting& w : queue_) out.push_back(std::move(w.change));
  popped_ += queue_.size();  // keeps by_key_'s indexing scheme consistent
  queue_.clear();
  by_key_.clear();
  return out;
}

}  // namespace casewatch
