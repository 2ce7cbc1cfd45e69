// zmq_pushpull: the transport limit for bench/run. Sends the lines of a JSON Lines file, each as
// one ZeroMQ message (the contract's one-frame form), as fast as the transport takes them.
//
//   zmq_pushpull pushpull FILE        PUSH -> PULL over loopback TCP inside this process (two
//                                     contexts, a pusher thread and a counting puller); prints
//                                     {"events":N,"seconds":S,"events_per_s":R}
//   zmq_pushpull push FILE ENDPOINT   connect a PUSH socket to ENDPOINT (e.g. the daemon's feed)
//   and
//                                     send every line; prints
//                                     {"events":N,"first_send_monotonic_ns":T,
//                                     "last_send_monotonic_ns":T2} once every message has left
//
// The file is read into memory before the clock starts, so disk reads are not measured. Times are
// CLOCK_MONOTONIC (std::chrono::steady_clock on Linux), comparable with Python's time.monotonic().
// A benchmark tool, not part of the daemon: exceptions from cppzmq end the process with a message.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <zmq.hpp>

namespace {

constexpr int kHwm = 100000;

int64_t monotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The whole file in one buffer, with a view per non-empty line.
struct Lines {
  std::string data;
  std::vector<std::string_view> lines;
};

bool readLines(const std::string& path, Lines& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out.data = std::move(ss).str();
  std::string_view all(out.data);
  size_t pos = 0;
  while (pos < all.size()) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string_view::npos) nl = all.size();
    if (nl > pos) out.lines.push_back(all.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return true;
}

void pushAll(zmq::socket_t& push, const Lines& lines) {
  for (std::string_view line : lines.lines) {
    push.send(zmq::const_buffer(line.data(), line.size()), zmq::send_flags::none);
  }
}

int pushPull(const Lines& lines) {
  zmq::context_t push_ctx(1), pull_ctx(1);
  zmq::socket_t pull(pull_ctx, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvhwm, kHwm);
  pull.bind("tcp://127.0.0.1:*");
  const std::string endpoint = pull.get(zmq::sockopt::last_endpoint);

  zmq::socket_t push(push_ctx, zmq::socket_type::push);
  push.set(zmq::sockopt::sndhwm, kHwm);
  push.set(zmq::sockopt::linger, -1);
  push.connect(endpoint);

  const size_t n = lines.lines.size();
  int64_t start_ns = 0;
  std::thread pusher([&] {
    start_ns = monotonicNs();
    pushAll(push, lines);
  });
  zmq::message_t msg;
  size_t received = 0, bytes = 0;
  while (received < n) {
    if (!pull.recv(msg, zmq::recv_flags::none)) continue;
    ++received;
    bytes += msg.size();
  }
  const int64_t end_ns = monotonicNs();
  pusher.join();
  push.close();
  const double secs = static_cast<double>(end_ns - start_ns) * 1e-9;
  std::printf("{\"events\":%zu,\"bytes\":%zu,\"seconds\":%.6f,\"events_per_s\":%.1f}\n", received,
              bytes, secs, secs > 0 ? static_cast<double>(received) / secs : 0.0);
  return 0;
}

int pushOnly(const Lines& lines, const std::string& endpoint) {
  zmq::context_t ctx(1);
  zmq::socket_t push(ctx, zmq::socket_type::push);
  push.set(zmq::sockopt::sndhwm, kHwm);
  push.set(zmq::sockopt::linger, -1);  // close() waits until every message has left
  push.connect(endpoint);
  const int64_t first = monotonicNs();
  pushAll(push, lines);
  const int64_t last = monotonicNs();
  push.close();
  const int64_t drained = monotonicNs();
  std::printf(
      "{\"events\":%zu,\"first_send_monotonic_ns\":%lld,\"last_send_monotonic_ns\":%lld,"
      "\"drained_monotonic_ns\":%lld}\n",
      lines.lines.size(), static_cast<long long>(first), static_cast<long long>(last),
      static_cast<long long>(drained));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (!((mode == "pushpull" && argc == 3) || (mode == "push" && argc == 4))) {
    std::fprintf(stderr,
                 "usage: zmq_pushpull pushpull FILE\n"
                 "       zmq_pushpull push FILE ENDPOINT\n");
    return 2;
  }
  Lines lines;
  if (!readLines(argv[2], lines)) {
    std::fprintf(stderr, "zmq_pushpull: cannot read %s\n", argv[2]);
    return 1;
  }
  try {
    return mode == "pushpull" ? pushPull(lines) : pushOnly(lines, argv[3]);
  } catch (const zmq::error_t& e) {
    std::fprintf(stderr, "zmq_pushpull: %s\n", e.what());
    return 1;
  }
}
