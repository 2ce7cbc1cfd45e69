#include "base/progress_line.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>

namespace casewatch {
namespace {

std::string format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

std::string mib(uint64_t bytes) {
  return format("%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// Seconds as m:ss, or h:mm:ss from an hour up.
std::string clockText(double seconds) {
  const auto s = static_cast<uint64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60,
                  s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
  }
  return buf;
}

}  // namespace

std::string withThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

ProgressLine::ProgressLine(Options options, const Clock& clock, Write write)
    : options_(std::move(options)),
      clock_(clock),
      write_(std::move(write)),
      started_(clock.now()),
      last_refresh_(started_) {}

std::string ProgressLine::positionText(bool with_total) const {
  const Position& p = options_.position;
  const bool bytes = p.unit == "bytes";
  const std::string at = bytes ? mib(position_) : withThousands(position_);
  const std::string unit = bytes ? "MiB" : p.unit;
  if (!with_total || p.total == 0) return at + " " + unit;
  return at + " of " + (bytes ? mib(p.total) : withThousands(p.total)) + " " + unit;
}

void ProgressLine::update(uint64_t count, uint64_t position) {
  count_ = count;
  position_ = position;
  if (!options_.terminal || finished_) return;
  const TimeMs now = clock_.now();
  if (now - last_refresh_ < options_.refresh_ms) return;
  last_refresh_ = now;
  const double elapsed = static_cast<double>(now - started_) / 1000.0;
  std::string line = options_.label + ": " + withThousands(count_) + " " + options_.count_unit;
  if (elapsed > 0) {
    line += "  " + withThousands(static_cast<uint64_t>(static_cast<double>(count_) / elapsed)) +
            " " + options_.count_unit + "/s";
  }
  line += "  " + positionText(true);
  const uint64_t total = options_.position.total;
  if (total > 0) {
    const uint64_t at = position_ < total ? position_ : total;
    line += format(" (%.0f%%)", 100.0 * static_cast<double>(at) / static_cast<double>(total));
    if (at > 0) {
      const double left = elapsed * static_cast<double>(total - at) / static_cast<double>(at);
      line += "  ETA " + clockText(left);
    }
  }
  // "\r" back to the start; blanks cover what a longer previous line left.
  std::string out = "\r" + line;
  if (line.size() < shown_) out.append(shown_ - line.size(), ' ');
  shown_ = line.size();
  write_(out);
}

void ProgressLine::finish(std::string_view extra) {
  if (finished_) return;
  finished_ = true;
  const double elapsed = static_cast<double>(clock_.now() - started_) / 1000.0;
  std::string line = options_.label + ": " + withThousands(count_) + " " + options_.count_unit +
                     " in " + format("%.1f", elapsed) + " s";
  if (elapsed > 0) {
    line += " (" + withThousands(static_cast<uint64_t>(static_cast<double>(count_) / elapsed)) +
            " " + options_.count_unit + "/s)";
  }
  line += ", " + positionText(false);
  line += extra;
  std::string out;
  if (shown_ > 0) {
    out = "\r";
    if (line.size() < shown_) {
      out += std::string(shown_, ' ') + "\r";
    }
  }
  out += line + "\n";
  write_(out);
}

ProgressLine::Write ProgressLine::toStderr() {
  return [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  };
}

bool ProgressLine::stderrIsTerminal() {
  return isatty(2) == 1;
}

}  // namespace casewatch
