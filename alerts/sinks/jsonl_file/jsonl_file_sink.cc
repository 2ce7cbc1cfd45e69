#include "alerts/sinks/jsonl_file/jsonl_file_sink.h"

#include <cerrno>
#include <cstring>

#include "base/str_cat.h"

namespace casewatch {

absl::StatusOr<std::unique_ptr<JsonlFileSink>> JsonlFileSink::open(const std::string& path,
                                                                   AlertJsonOptions opts) {
  if (path == "-") return std::unique_ptr<JsonlFileSink>(new JsonlFileSink(stdout, false, opts));
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    return absl::UnavailableError(strCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<JsonlFileSink>(new JsonlFileSink(f, true, opts));
}

JsonlFileSink::~JsonlFileSink() {
  std::fflush(out_);
  if (owned_) std::fclose(out_);
}

SinkOutcome JsonlFileSink::deliver(const AlertChange& change) {
  std::string line = alertJsonWithChange(change, opts_);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), out_) != line.size()) return SinkOutcome::kGiveUp;
  return SinkOutcome::kDelivered;
}

}  // namespace casewatch
