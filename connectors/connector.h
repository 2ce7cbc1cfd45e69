// A feed connector: takes raw messages from a transport (ZeroMQ PULL/SUB, a JSON Lines file or
// stdin), decodes them on its own thread with a BatchDecoder, and hands DecodedBatches to the
// pipeline through the BatchHandler given to start().
//
// Ownership and threads: the App owns connectors. start() spawns the connector's thread; stop()
// stops taking input, hands over what was already received, and joins the thread. After stop()
// returns, the handler is never called again. Connectors never touch case state.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "connectors/decoded_batch.h"
#include "connectors/feed_stats.h"

namespace casewatch {

class Connector {
 public:
  virtual ~Connector() = default;
  virtual const std::string& name() const = 0;
  // Binds/connects/opens and starts the thread. An error here is fatal at start-up.
  virtual absl::Status start(BatchHandler handler) = 0;
  virtual void stop() = 0;
  // For /readyz: the transport is bound/connected (a file: opened). Any thread.
  virtual bool connected() const = 0;
  // `notify` is called (on the connector's threads, so it must be quick and thread-safe: post,
  // do not work) whenever connected() may have changed. Set before start().
  virtual void setOnConnectionChange(std::function<void()> notify) = 0;
  // Transport counters (messages, bytes, errors); any thread.
  virtual const FeedStats& stats() const = 0;
};

}  // namespace casewatch
