// Escalation notices once across a takeover (docs/deployment.md "HA pair"): the shared record, in
// PostgreSQL (escalations_sent), of which escalation notices of the bus (escalation.<level>,
// escalation.notice) the leader has sent.
//
// A notice is known on both replicas by its alert, its topic and the change's time (updated_at):
// both decide the same escalations from the same events, stamped alike (on event time exactly; on
// the wall clock each replica stamps with its own clock, so two records of one alert and topic
// less than kSameNotice apart are taken as the same notice). Not by seq: a replica that missed
// events numbers its changes differently.
//
// The protocol, a write-ahead marker:
// - Every notice the dispatcher would publish is offered here, on either replica.
// - The leader, before publishing a notice, commits its marker 'sending'; only a notice it marked,
//   or found still 'sending', is published; one found 'sent' is skipped. Once the notice has had
//   time to leave the ZeroMQ socket (kOnTheWire), its marker becomes 'sent'.
// - The follower publishes nothing: it keeps what it was offered until the marker says 'sent'
//   (checked every 2 s). When it becomes the leader it takes what it kept through the leader's
//   path: what the dead leader never marked, or marked but may not have sent, is sent; what it
//   sent is not.
// So nothing is skipped, and a notice goes out twice only when the leader died between publishing
// it and marking it sent (kOnTheWire and a commit); the copy carries the same alert, topic and
// updated_at (and the same seq when both replicas took the same events), by which a bus consumer
// drops it (shared/contracts/alerts.md: a seq seen again is dropped).
//
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "alerts/sinks/sink.h"

namespace prometheus {
class Counter;
class Registry;
}  // namespace prometheus

namespace casewatch {

class HaSession;

struct EscalationSendLogOptions {
  std::string conninfo;  // store.postgresql.conninfo
  std::string password;  // from store.postgresql.password_file; "" = none
  std::string replica;   // ha.replica: who wrote a marker, and for logs
};

class EscalationSendLog {
 public:
  using PublishFn = std::function<SinkOutcome(std::string_view topic, std::string_view body)>;
  using PostFn = std::function<void(std::function<void()>)>;
  // How long a published notice is given to leave the socket before it is marked sent.
  static constexpr auto kOnTheWire = std::chrono::milliseconds(200);
  // Two records of one alert's notice on one topic this close in time are the same notice.
  static constexpr auto kSameNotice = std::chrono::milliseconds(60000);

  // `publish` is the bus (called on the io_context only); `post` runs a function there.
  EscalationSendLog(EscalationSendLogOptions options, PublishFn publish, PostFn post);
  ~EscalationSendLog();  // stops
  EscalationSendLog(const EscalationSendLog&) = delete;
  EscalationSendLog& operator=(const EscalationSendLog&) = delete;

  // casewatch_ha_escalation_notices_total{outcome}. Before start().
  void exportMetrics(prometheus::Registry& registry);
  void start();
  void stop();
  // The io_context: a notice the dispatcher publishes; queued (so always delivered, to it).
  SinkOutcome offer(std::string_view topic, std::string_view body);
  // Any thread: the election's word.
  void setLeader(bool leader);

 private:
  struct Notice {
    std::string topic;
    std::string body;
    // From the body (on the log's thread): "" = not an alert's notice, published unmarked.
    std::string alert_id;
    int64_t change_at = 0;  // updated_at, ms
    uint64_t seq = 0;
  };
  struct Published {
    std::string alert_id;
    std::string topic;
    int64_t change_at;
    std::chrono::steady_clock::time_point at;
  };
  void run();
  // The leader's path for what is kept; stops at the first database error (kept for the next turn).
  void sendKept();
  // The follower's: forgets what the leader has marked sent.
  void forgetSent();
  // Marks 'sent' what was published kOnTheWire ago (`all`: everything published).
  void markSent(bool all);
  void published(Notice n, SinkOutcome outcome);  // the io_context, after publishing

  const EscalationSendLogOptions options_;
  const PublishFn publish_;
  const PostFn post_;
  std::unique_ptr<HaSession> session_;  // the thread's
  // What was offered and not yet marked sent by anyone (the thread's, but for `offered_`).
  std::deque<Notice> kept_;
  std::deque<Published> to_mark_;  // the thread's
  prometheus::Counter* sent_ = nullptr;
  prometheus::Counter* resent_ = nullptr;
  prometheus::Counter* skipped_ = nullptr;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Notice> offered_;       // from the io_context
  std::deque<Published> published_;  // from the io_context
  bool leader_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace casewatch
