// Writes every alert change as one JSON line (the alert contract, with the `change` extension).
// Used by `casewatchd replay --alerts-out FILE` ("-" = standard output).
#pragma once

#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "alerts/alert_json.h"
#include "alerts/sinks/sink.h"

namespace casewatch {

class JsonlFileSink final : public Sink {
 public:
  static absl::StatusOr<std::unique_ptr<JsonlFileSink>> open(const std::string& path,
                                                             AlertJsonOptions opts);
  ~JsonlFileSink() override;
  std::string_view name() const override { return "jsonl_file"; }
  SinkOutcome deliver(const AlertChange& change) override;
  void flush() override { std::fflush(out_); }

 private:
  JsonlFileSink(std::FILE* out, bool owned, AlertJsonOptions opts)
      : out_(out), owned_(owned), opts_(std::move(opts)) {}
  std::FILE* out_;
  bool owned_;
  AlertJsonOptions opts_;
};

}  // namespace casewatch
