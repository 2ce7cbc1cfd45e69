#include "models/escalation_risk/escalation_self_fit.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

using Json = nlohmann::json;

Eigen::MatrixXd design(const std::vector<EscalationRow>& rows, const std::vector<size_t>& take,
                       const std::vector<size_t>& cols) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(take.size()), static_cast<Eigen::Index>(cols.size()));
  for (size_t j = 0; j < cols.size(); ++j) {
    for (size_t i = 0; i < take.size(); ++i) {
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          rows[take[i]].features[cols[j]];
    }
  }
  return x;
}

Eigen::VectorXd labels(const std::vector<EscalationRow>& rows, const std::vector<size_t>& take) {
  Eigen::VectorXd y(static_cast<Eigen::Index>(take.size()));
  for (size_t i = 0; i < take.size(); ++i) y[static_cast<Eigen::Index>(i)] = rows[take[i]].label;
  return y;
}

bool bothClasses(const Eigen::VectorXd& y) {
  return y.size() > 0 && y.minCoeff() == 0 && y.maxCoeff() == 1;
}

}  // namespace

EscalationFitRecord selfFitEscalation(std::vector<EscalationRow> rows,
                                      const EscalationLearnConfig& learn, TimeMs at) {
  EscalationFitRecord r;
  r.at = at;
  r.min_auc = learn.min_auc;
  r.max_calibration_error = learn.max_calibration_error;
  r.model.horizon_days = learn.horizon_days;
  // A row is used once its window has closed, whatever its label: a row labelled 1 early (its
  // escalation came) while its twin that will be 0 still waits would make the newest rows look
  // riskier than they are (fitted and held out alike). The waiting ones count at a later refit.
  const TimeMs horizon = TimeMs{learn.horizon_days} * kMsPerDay;
  const auto open_window = std::remove_if(
      rows.begin(), rows.end(), [&](const EscalationRow& row) { return row.at + horizon > at; });
  r.waiting_rows = static_cast<size_t>(rows.end() - open_window);
  rows.erase(open_window, rows.end());
  std::sort(rows.begin(), rows.end(), [](const EscalationRow& a, const EscalationRow& b) {
    return a.at != b.at ? a.at < b.at : a.row_id < b.row_id;
  });
  const auto max_rows = static_cast<size_t>(std::max(learn.max_rows, 1));
  if (rows.size() > max_rows) {
    rows.erase(rows.begin(), rows.end() - static_cast<std::ptrdiff_t>(max_rows));
  }
  r.rows = rows.size();
  // The cases, most recently registered last.
  absl::flat_hash_map<std::string_view, TimeMs> registered;
  for (const EscalationRow& row : rows) {
    registered.emplace(row.case_id, row.registered_at);
    r.positives += row.label == 1 ? 1 : 0;
  }
  r.cases = registered.size();
  if (r.cases < static_cast<size_t>(learn.min_labelled_cases)) {
    r.reason = strCat("too_few_cases: ", r.cases, " labelled cases, ", learn.min_labelled_cases,
                      " needed (models.escalation_risk.learn.min_labelled_cases)");
    return r;
  }
  std::vector<std::pair<TimeMs, std::string_view>> order;
  order.reserve(registered.size());
  for (const auto& [id, t] : registered) order.emplace_back(t, id);
  std::sort(order.begin(), order.end());
  r.holdout_cases = std::max<size_t>(
      1, static_cast<size_t>(std::ceil(learn.holdout_share * static_cast<double>(order.size()))));
  absl::flat_hash_set<std::string_view> held_cases;
  for (size_t i = order.size() - r.holdout_cases; i < order.size(); ++i) {
    held_cases.insert(order[i].second);
  }
  std::vector<size_t> train, held, all;
  for (size_t i = 0; i < rows.size(); ++i) {
    (held_cases.contains(rows[i].case_id) ? held : train).push_back(i);
    all.push_back(i);
  }
  r.holdout_rows = held.size();
  const Eigen::VectorXd y_train = labels(rows, train);
  const Eigen::VectorXd y_held = labels(rows, held);
  if (!bothClasses(y_train) || !bothClasses(y_held)) {
    r.reason = "one_class: the fitted or the held-out rows have no escalation, or only escalations";
    return r;
  }
  std::vector<size_t> cols;
  std::vector<std::string> names;
  const auto& all_names = escalationFeatureNames();
  for (size_t k = 0; k < kEscalationFeatureCount; ++k) {
    Eigen::VectorXd col(static_cast<Eigen::Index>(train.size()));
    for (size_t i = 0; i < train.size(); ++i) {
      col[static_cast<Eigen::Index>(i)] = rows[train[i]].features[k];
    }
    if (!checkLogisticColumn(col, y_train, learn.l2, std::string(all_names[k])).ok()) {
      r.dropped.emplace_back(all_names[k]);
      continue;
    }
    cols.push_back(k);
    names.emplace_back(all_names[k]);
  }
  if (cols.empty()) {
    r.reason = "no_usable_feature: every feature column is constant or separating";
    return r;
  }
  LogisticOptions options;
  options.l2 = learn.l2;
  auto fitted = fitLogistic(design(rows, train, cols), y_train, options, names);
  if (!fitted.ok()) {
    r.reason = strCat("fit_failed: ", fitted.status().message());
    return r;
  }
  const Eigen::VectorXd p = predictLogistic(design(rows, held, cols), fitted->coefficients);
  std::vector<double> ph(p.data(), p.data() + p.size());
  std::vector<double> yh(y_held.data(), y_held.data() + y_held.size());
  r.auc = rocAuc(ph, yh);
  r.calibration = calibrationTable(ph, yh);
  double gap = 0;
  size_t n = 0;
  for (const CalibrationBin& b : r.calibration) {
    gap += static_cast<double>(b.count) * std::abs(b.mean_predicted - b.observed_rate);
    n += b.count;
  }
  r.calibration_error = n > 0 ? gap / static_cast<double>(n) : 1;
  if (!r.auc || *r.auc < learn.min_auc) {
    r.reason = strCat("auc_below_gate: held-out AUC ", r.auc ? *r.auc : 0, " < ", learn.min_auc);
    return r;
  }
  if (r.calibration_error > learn.max_calibration_error) {
    r.reason = strCat("calibration_above_gate: held-out expected calibration error ",
                      r.calibration_error, " > ", learn.max_calibration_error);
    return r;
  }
  // Passed: the coefficients in use are fitted on every row.
  auto final_fit = fitLogistic(design(rows, all, cols), labels(rows, all), options, names);
  if (!final_fit.ok()) {
    r.reason = strCat("fit_failed: on all rows: ", final_fit.status().message());
    return r;
  }
  r.model.intercept = final_fit->coefficients[0];
  for (size_t j = 0; j < cols.size(); ++j) {
    r.model.coefficients[cols[j]] = final_fit->coefficients[static_cast<Eigen::Index>(j + 1)];
  }
  r.accepted = true;
  r.reason = "passed";
  return r;
}

std::string escalationFitJson(const EscalationFitRecord& r) {
  Json j;
  j["at"] = r.at;
  j["rows"] = r.rows;
  j["cases"] = r.cases;
  j["positives"] = r.positives;
  j["holdout_rows"] = r.holdout_rows;
  j["holdout_cases"] = r.holdout_cases;
  j["waiting_rows"] = r.waiting_rows;
  j["auc"] = r.auc ? Json(*r.auc) : Json(nullptr);
  j["calibration_error"] = r.calibration_error;
  Json bins = Json::array();
  for (const CalibrationBin& b : r.calibration) {
    bins.push_back({{"count", b.count},
                    {"min_predicted", b.min_predicted},
                    {"max_predicted", b.max_predicted},
                    {"mean_predicted", b.mean_predicted},
                    {"observed_rate", b.observed_rate}});
  }
  j["calibration"] = std::move(bins);
  j["gates"] = {{"min_auc", r.min_auc}, {"max_calibration_error", r.max_calibration_error}};
  j["accepted"] = r.accepted;
  j["reason"] = r.reason;
  j["dropped_features"] = r.dropped;
  j["horizon_days"] = r.model.horizon_days;
  if (r.accepted) {
    Json c = Json::object();
    c["intercept"] = r.model.intercept;
    const auto& names = escalationFeatureNames();
    for (size_t k = 0; k < kEscalationFeatureCount; ++k) {
      c[std::string(names[k])] = r.model.coefficients[k];
    }
    j["coefficients"] = std::move(c);
  }
  return j.dump();
}

absl::StatusOr<EscalationFitRecord> parseEscalationFitJson(std::string_view text) {
  const Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return absl::InvalidArgumentError("not a JSON object");
  EscalationFitRecord r;
  try {
    r.at = j.at("at").get<TimeMs>();
    r.rows = j.at("rows").get<size_t>();
    r.cases = j.at("cases").get<size_t>();
    r.positives = j.at("positives").get<size_t>();
    r.holdout_rows = j.at("holdout_rows").get<size_t>();
    r.holdout_cases = j.at("holdout_cases").get<size_t>();
    r.waiting_rows = j.value("waiting_rows", size_t{0});  // absent from records before it
    if (!j.at("auc").is_null()) r.auc = j.at("auc").get<double>();
    r.calibration_error = j.at("calibration_error").get<double>();
    for (const Json& b : j.at("calibration")) {
      r.calibration.push_back(
          CalibrationBin{b.at("count").get<size_t>(), b.at("min_predicted").get<double>(),
                         b.at("max_predicted").get<double>(), b.at("mean_predicted").get<double>(),
                         b.at("observed_rate").get<double>()});
    }
    r.min_auc = j.at("gates").at("min_auc").get<double>();
    r.max_calibration_error = j.at("gates").at("max_calibration_error").get<double>();
    r.accepted = j.at("accepted").get<bool>();
    r.reason = j.at("reason").get<std::string>();
    r.dropped = j.at("dropped_features").get<std::vector<std::string>>();
    r.model.horizon_days = j.at("horizon_days").get<int>();
    if (r.accepted) {
      const Json& c = j.at("coefficients");
      r.model.intercept = c.at("intercept").get<double>();
      const auto& names = escalationFeatureNames();
      for (size_t k = 0; k < kEscalationFeatureCount; ++k) {
        if (auto it = c.find(std::string(names[k])); it != c.end()) {
          r.model.coefficients[k] = it->get<double>();
        }
      }
    }
  } catch (const Json::exception& e) {
    // Start-up only (the stored record): never on the event path.
    return absl::InvalidArgumentError(strCat("a stored fit record: ", e.what()));
  }
  return r;
}

}  // namespace casewatch
