// decode_only: the parse limit for bench/run. Reads a JSON Lines file into memory, then decodes
// every line with one EventDecoder (connectors/decode) on one thread, as the feed connectors do,
// and prints {"events":N,"decoded":D,"rejected":R,"seconds":S,"events_per_s":E,"bytes_per_s":B,
// "cpu_seconds":C,"events_per_cpu_s":EC} (thread CPU time: steadier than wall time on a busy host).
//
//   decode_only FILE [PASSES]   PASSES (default 1) whole passes over the file are timed together
//
// Only decoding is timed: no batching, no pipeline, no I/O.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: decode_only FILE [PASSES]\n");
    return 2;
  }
  const int passes = argc == 3 ? std::atoi(argv[2]) : 1;
  if (passes < 1) {
    std::fprintf(stderr, "decode_only: PASSES must be >= 1\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "decode_only: cannot read %s\n", argv[1]);
    return 1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string data = std::move(ss).str();
  std::vector<std::string_view> lines;
  std::string_view all(data);
  for (size_t pos = 0; pos < all.size();) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string_view::npos) nl = all.size();
    if (nl > pos) lines.push_back(all.substr(pos, nl - pos));
    pos = nl + 1;
  }

  using casewatch::Pseudonymizer;
  const Pseudonymizer pseudonymizer(Pseudonymizer::deriveKey("casewatch-bench"));
  casewatch::EventDecoder decoder(pseudonymizer);
  casewatch::CaseEvent ev;
  casewatch::DecodeError err;
  size_t decoded = 0, rejected = 0, bytes = 0, person_sum = 0;
  timespec cpu0{}, cpu1{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
  const auto t0 = std::chrono::steady_clock::now();
  for (int p = 0; p < passes; ++p) {
    for (std::string_view line : lines) {
      if (decoder.decode(line, ev, err)) {
        ++decoded;
        person_sum += ev.persons.size();  // keeps the result observable
      } else {
        ++rejected;
      }
      bytes += line.size();
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
  const double cpu_secs = static_cast<double>(cpu1.tv_sec - cpu0.tv_sec) +
                          static_cast<double>(cpu1.tv_nsec - cpu0.tv_nsec) * 1e-9;
  const size_t events = lines.size() * static_cast<size_t>(passes);
  std::printf(
      "{\"events\":%zu,\"decoded\":%zu,\"rejected\":%zu,\"persons\":%zu,\"seconds\":%.6f,"
      "\"events_per_s\":%.1f,\"bytes_per_s\":%.1f,\"cpu_seconds\":%.6f,\"events_per_cpu_s\":%.1f}"
      "\n",
      events, decoded, rejected, person_sum, secs, secs > 0 ? events / secs : 0.0,
      secs > 0 ? bytes / secs : 0.0, cpu_secs, cpu_secs > 0 ? events / cpu_secs : 0.0);
  return 0;
}
