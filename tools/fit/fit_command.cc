#include "tools/fit/fit_command.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <streambuf>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/hash.h"
#include "base/input/input_text.h"
#include "base/progress_line.h"
#include "base/str_cat.h"
#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "models/escalation_risk/escalation_features.h"
#include "models/repeat_visit/repeat_contacts.h"
#include "models/stats/logistic_regression.h"
#include "state/case_store.h"
#include "tools/fit/escalation_history.h"
#include "tools/fit/feature_csv.h"

namespace casewatch::fit {
namespace {

nlohmann::json numberOrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

Eigen::MatrixXd takeRows(const Eigen::MatrixXd& x, const std::vector<Eigen::Index>& rows,
                         const std::vector<Eigen::Index>& cols) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()),
                      static_cast<Eigen::Index>(cols.size()));
  // Column by column: both matrices are column-major.
  for (size_t j = 0; j < cols.size(); ++j) {
    for (size_t i = 0; i < rows.size(); ++i) {
      out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = x(rows[i], cols[j]);
    }
  }
  return out;
}

// Splits, fits and describes. `groups` (one per row) keeps rows together in the split;
// `drop_degenerate` leaves out constant or separating columns instead of failing.
absl::StatusOr<nlohmann::json> fitAndDescribe(const std::vector<std::string>& names,
                                              const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                              const std::vector<uint64_t>& groups,
                                              const EscalationFitRun& run, bool drop_degenerate) {
  if (!(run.holdout >= 0 && run.holdout < 1)) {
    return absl::InvalidArgumentError(strCat("--holdout must be in [0, 1), got ", run.holdout));
  }
  if (!(run.l2 >= 0) || !std::isfinite(run.l2)) {
    return absl::InvalidArgumentError(strCat("--l2 must be >= 0, got ", run.l2));
  }
  std::vector<Eigen::Index> train, held;
  const uint64_t salt = mix64(run.seed + 0x9e3779b97f4a7c15ULL);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const uint64_t h = mix64(groups[static_cast<size_t>(i)] ^ salt);
    const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
    (u < run.holdout ? held : train).push_back(i);
  }
  Eigen::VectorXd y_train(static_cast<Eigen::Index>(train.size()));
  for (size_t i = 0; i < train.size(); ++i) y_train[static_cast<Eigen::Index>(i)] = y[train[i]];

  std::vector<Eigen::Index> cols;
  std::vector<std::string> kept;
  nlohmann::json dropped = nlohmann::json::object();
  const bool both = y_train.size() > 0 && y_train.minCoeff() == 0 && y_train.maxCoeff() == 1;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const std::string& name = names[static_cast<size_t>(j)];
    if (drop_degenerate && both) {
      Eigen::VectorXd col(static_cast<Eigen::Index>(train.size()));
      for (size_t i = 0; i < train.size(); ++i) col[static_cast<Eigen::Index>(i)] = x(train[i], j);
      if (absl::Status s = checkLogisticColumn(col, y_train, run.l2, name); !s.ok()) {
        dropped[name] = std::string(s.message());
        continue;
      }
    }
    cols.push_back(j);
    kept.push_back(name);
  }
  if (cols.empty()) {
    return absl::InvalidArgumentError("no usable feature column: every one was dropped");
  }
  LogisticOptions options;
  options.l2 = run.l2;
  auto fitted = fitLogistic(takeRows(x, train, cols), y_train, options, kept);
  if (!fitted.ok()) return fitted.status();

  nlohmann::json model = nlohmann::json::object();
  model["model"] = "escalation_risk";
  model["features"] = kept;
  nlohmann::json coef = nlohmann::json::object(), se = nlohmann::json::object();
  coef["intercept"] = fitted->coefficients[0];
  se["intercept"] = fitted->std_errors[0];
  for (size_t j = 0; j < kept.size(); ++j) {
    coef[kept[j]] = fitted->coefficients[static_cast<Eigen::Index>(j + 1)];
    se[kept[j]] = fitted->std_errors[static_cast<Eigen::Index>(j + 1)];
  }
  model["coefficients"] = coef;
  model["std_errors"] = se;
  model["horizon_days"] =
      run.horizon_days ? nlohmann::json(*run.horizon_days) : nlohmann::json(nullptr);
  model["l2"] = run.l2;
  model["dropped_features"] = dropped;
  model["training"] = {{"rows", train.size()},
                       {"positives", static_cast<int64_t>(y_train.sum())},
                       {"log_likelihood", fitted->log_likelihood},
                       {"iterations", fitted->iterations}};

  const Eigen::MatrixXd x_held = takeRows(x, held, cols);
  std::vector<double> p_held(held.size()), y_held(held.size());
  if (!held.empty()) {
    const Eigen::VectorXd p = predictLogistic(x_held, fitted->coefficients);
    for (size_t i = 0; i < held.size(); ++i) {
      p_held[i] = p[static_cast<Eigen::Index>(i)];
      y_held[i] = y[held[i]];
    }
  }
  double held_positives = 0;
  for (double v : y_held) held_positives += v;
  model["holdout"] = {{"fraction", run.holdout},
                      {"seed", run.seed},
                      {"rows", held.size()},
                      {"positives", static_cast<int64_t>(held_positives)}};
  const std::optional<double> auc = rocAuc(p_held, y_held);
  model["auc"] = auc ? nlohmann::json(*auc) : nlohmann::json(nullptr);
  nlohmann::json calibration = nlohmann::json::array();
  for (const CalibrationBin& b : calibrationTable(p_held, y_held)) {
    calibration.push_back({{"count", b.count},
                           {"min_predicted", b.min_predicted},
                           {"max_predicted", b.max_predicted},
                           {"mean_predicted", b.mean_predicted},
                           {"observed_rate", b.observed_rate}});
  }
  model["calibration"] = calibration;
  return model;
}

// An istream over text that another object owns (the history readers take a stream): no copy,
// where an istringstream would copy the whole file. Handed out 1 MiB at a time, so that each
// step reports how far the reader has come (lines and bytes) to `progress`.
class TextStreamBuf : public std::streambuf {
 public:
  TextStreamBuf(std::string_view text, ProgressLine* progress) : text_(text), progress_(progress) {
    underflow();
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (progress_ != nullptr && handed_ > 0) {
      lines_ += static_cast<uint64_t>(std::count(eback(), egptr(), '\n'));
      progress_->update(lines_, handed_);
    }
    if (handed_ >= text_.size()) return traits_type::eof();
    const size_t n = std::min(kChunk, text_.size() - handed_);
    char* begin = const_cast<char*>(text_.data() + handed_);  // read only: never written
    setg(begin, begin, begin + n);
    handed_ += n;
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr size_t kChunk = 1 << 20;
  std::string_view text_;
  ProgressLine* progress_;
  size_t handed_ = 0;
  uint64_t lines_ = 0;
};

// Reading a history: progress on a terminal, the summary line once the fit is done.
ProgressLine::Options historyProgress(const char* label, size_t bytes) {
  ProgressLine::Options o;
  o.label = label;
  o.count_unit = "lines";
  o.position.total = bytes;
  o.terminal = ProgressLine::stderrIsTerminal();
  return o;
}

int writeOut(const std::string& path, const std::string& text, const char* command) {
  if (path == "-") {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout)) {
      std::fprintf(stderr, "%s: writing the output failed\n", command);
      return 1;
    }
    return 0;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) {
    std::fprintf(stderr, "%s: cannot write %s\n", command, path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::string> fitEscalationFromCsv(const EscalationFitRun& run,
                                                 std::string_view csv) {
  auto table = parseFeatureCsv(csv);
  if (!table.ok()) return table.status();
  std::vector<uint64_t> groups(static_cast<size_t>(table->x.rows()));
  for (size_t i = 0; i < groups.size(); ++i) groups[i] = i;
  auto model = fitAndDescribe(table->names, table->x, table->y, groups, run, false);
  if (!model.ok()) return model.status();
  return model->dump(2) + "\n";
}

absl::StatusOr<std::string> fitEscalationFromHistory(const EscalationFitRun& run,
                                                     std::istream& history) {
  if (!run.horizon_days) {
    return absl::InvalidArgumentError("--history needs --horizon-days H");
  }
  EscalationHistoryOptions options;
  options.horizon_days = *run.horizon_days;
  options.row_every_days = run.row_every_days;
  auto rows = escalationRowsFromHistory(history, options);
  if (!rows.ok()) return rows.status();
  if (rows->x.rows() == 0) {
    return absl::InvalidArgumentError(
        "the history gives no rows (no open case, or every row is "
        "censored by the horizon)");
  }
  std::vector<std::string> names;
  for (std::string_view n : escalationFeatureNames()) names.emplace_back(n);
  auto model = fitAndDescribe(names, rows->x, rows->y, rows->groups, run, true);
  if (!model.ok()) return model.status();
  (*model)["history"] = {{"events", rows->events},
                         {"duplicates", rows->duplicates},
                         {"orphans", rows->orphans},
                         {"cases", rows->cases},
                         {"rows", rows->x.rows()},
                         {"censored_rows", rows->censored},
                         {"positives", static_cast<int64_t>(rows->y.sum())}};
  (*model)["visit_half_life_days"] = options.visit_half_life_days;
  return model->dump(2) + "\n";
}

int runFitEscalation(const EscalationFitRun& run) {
  if (run.features.empty() == run.history.empty()) {
    std::fprintf(stderr, "fit escalation: give exactly one of --features and --history\n");
    return 2;
  }
  const std::string& path = run.features.empty() ? run.history : run.features;
  auto input = input::InputText::read(path);
  if (!input.ok()) {
    std::fprintf(stderr, "fit escalation: %s\n", std::string(input.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::string> out;
  if (!run.features.empty()) {
    out = fitEscalationFromCsv(run, input->text());
  } else {
    const SteadyClock steady;
    ProgressLine progress(historyProgress("fit escalation", input->text().size()), steady,
                          ProgressLine::toStderr());
    TextStreamBuf buf(input->text(), &progress);
    std::istream in(&buf);
    out = fitEscalationFromHistory(run, in);
    progress.finish(out.ok() ? ", fitted" : "");
  }
  if (!out.ok()) {
    std::fprintf(stderr, "fit escalation: %s: %s\n", path == "-" ? "<stdin>" : path.c_str(),
                 std::string(out.status().message()).c_str());
    return 2;
  }
  return writeOut(run.out, *out, "fit escalation");
}

absl::StatusOr<std::vector<HawkesStream>> hawkesStreamsFromHistory(std::istream& history,
                                                                   int utc_offset_minutes,
                                                                   double above_level_weight) {
  const Pseudonymizer pseudonymizer(Pseudonymizer::demoKey());
  DecoderLimits limits;
  limits.max_message_bytes = 1 << 20;
  EventDecoder decoder(pseudonymizer, limits);
  absl::flat_hash_set<std::string> seen;
  // The case state gives the competent level of a contact's case (the weight of a contact above
  // it) and tells a repeated registration from a new one, as in the daemon.
  CaseStore cases;
  RepeatContactStreams streams(utc_offset_minutes, above_level_weight);
  TimeMs last_ts = 0;
  CaseEvent ev;
  DecodeError error;
  std::string line;
  for (int line_no = 1; std::getline(history, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!decoder.decode(line, ev, error)) {
      return absl::InvalidArgumentError(strCat("line ", line_no, ": ", error.message()));
    }
    if (!seen.insert(ev.event_id).second) continue;
    last_ts = std::max(last_ts, ev.ts);
    if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit &&
        cases.find(ev.case_id) == kNoCase) {
      continue;  // an orphan: no case to apply it to
    }
    const CaseUpdate u = cases.apply(ev);
    if (!isRepeatContact(ev, u)) continue;
    const Case* c = u.index != kNoCase ? &cases.at(u.index) : nullptr;
    streams.add(ev.persons, ev.matter, ev.ts, repeatContactAbove(ev.level, c));
  }
  return streams.streams(last_ts);
}

absl::StatusOr<std::string> fitHawkesFromHistory(const HawkesFitRun& run, std::istream& history) {
  auto streams = hawkesStreamsFromHistory(history, run.utc_offset_minutes, run.above_level_weight);
  if (!streams.ok()) return streams.status();
  auto fitted = fitHawkes(*streams);
  if (!fitted.ok()) return fitted.status();
  nlohmann::json j = nlohmann::json::object();
  j["mu"] = fitted->params.mu;
  j["alpha"] = fitted->params.alpha;
  j["beta"] = fitted->params.beta;
  j["std_errors"] = {{"mu", numberOrNull(fitted->se_mu)},
                     {"alpha", numberOrNull(fitted->se_alpha)},
                     {"beta", numberOrNull(fitted->se_beta)}};
  j["branching_ratio"] = fitted->params.alpha / fitted->params.beta;
  j["log_likelihood"] = fitted->log_likelihood;
  j["streams"] = fitted->streams;
  j["returns"] = fitted->events;
  j["time_unit"] = "day";
  return j.dump(2) + "\n";
}

int runFitHawkes(const HawkesFitRun& run) {
  auto input = input::InputText::read(run.history);
  if (!input.ok()) {
    std::fprintf(stderr, "fit hawkes: %s\n", std::string(input.status().message()).c_str());
    return 1;
  }
  const SteadyClock steady;
  ProgressLine progress(historyProgress("fit hawkes", input->text().size()), steady,
                        ProgressLine::toStderr());
  TextStreamBuf buf(input->text(), &progress);
  std::istream in(&buf);
  auto out = fitHawkesFromHistory(run, in);
  progress.finish(out.ok() ? ", fitted" : "");
  if (!out.ok()) {
    std::fprintf(stderr, "fit hawkes: %s: %s\n", run.history.c_str(),
                 std::string(out.status().message()).c_str());
    return 2;
  }
  return writeOut(run.out, *out, "fit hawkes");
}

}  // namespace casewatch::fit

namespace casewatch {

void addFitCommand(CLI::App& app) {
  CLI::App* fit = app.add_subcommand("fit", "Fit a model's parameters from history");
  fit->require_subcommand(1);

  auto esc = std::make_shared<fit::EscalationFitRun>();
  CLI::App* e = fit->add_subcommand(
      "escalation", "Fit the escalation_risk logistic regression (IRLS) and write MODEL.json");
  e->add_option("--features", esc->features, "CSV: header row, 0/1 column y, numeric features");
  e->add_option("--history", esc->history, "event history, JSON Lines (the feed contract)");
  e->add_option("--row-every-days", esc->row_every_days,
                "with --history: a row at each case's registration and every D days of its life "
                "(as models.escalation_risk.learn.row_every_days)")
      ->capture_default_str();
  e->add_option("--horizon-days", esc->horizon_days,
                "with --history: escalation within this many days is the label");
  e->add_option("--out", esc->out, "MODEL.json to write ('-' = stdout)")->required();
  e->add_option("--l2", esc->l2, "L2 penalty on the slopes (0 = maximum likelihood)")
      ->capture_default_str();
  e->add_option("--holdout", esc->holdout, "share of rows (cases) held out for AUC, calibration")
      ->capture_default_str();
  e->add_option("--seed", esc->seed, "seed of the held-out split")->capture_default_str();
  e->callback([esc] {
    const int rc = fit::runFitEscalation(*esc);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });

  auto hk = std::make_shared<fit::HawkesFitRun>();
  CLI::App* h = fit->add_subcommand(
      "hawkes", "Fit mu, alpha, beta of the repeat-visit Hawkes process by maximum likelihood");
  h->add_option("--history", hk->history, "event history, JSON Lines ('-' = stdin)")->required();
  h->add_option("--out", hk->out, "JSON file to write ('-' = stdout)")->required();
  h->add_option("--utc-offset-minutes", hk->utc_offset_minutes,
                "local time of the day boundaries (contacts count once per local day)")
      ->capture_default_str();
  h->add_option("--above-level-weight", hk->above_level_weight,
                "weight of a contact lodged above the competent level "
                "(models.repeat_visit.above_level_weight)")
      ->capture_default_str();
  h->callback([hk] {
    const int rc = fit::runFitHawkes(*hk);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace casewatch
