#include "models/repeat_visit/repeat_visit_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, RepeatVisitConfig& c) {
  r.read("hawkes_mu", c.hawkes_mu, 0, 100);
  r.read("hawkes_alpha", c.hawkes_alpha, 0, 100);
  r.read("hawkes_beta", c.hawkes_beta, 1e-6, 100);
  r.read("above_level_weight", c.above_level_weight, 1, 100);
  r.read("yellow_returns_30d", c.yellow_returns_30d, 1, 10000);
  r.read("yellow_lambda", c.yellow_lambda, 0, 1000);
  r.read("orange_returns_30d", c.orange_returns_30d, 1, 10000);
  r.read("orange_lambda", c.orange_lambda, 0, 1000);
  r.read("red_returns_30d", c.red_returns_30d, 1, 10000);
  r.read("red_returns_90d", c.red_returns_90d, 1, 10000);
  r.read("quiet_days", c.quiet_days, 1, kMaxDays);
  r.read("matter_min_persons", c.matter_min_persons, 2, 10000);
  r.read("matter_min_returns_90d", c.matter_min_returns_90d, 1, 10000);
  if (const ConfigNode* n = r.take("learn")) {
    MapReader l(r.decoder(), *n, r.pathOf("learn"));
    l.read("enabled", c.learn.enabled);
    l.read("refit_every_days", c.learn.refit_every_days, 1, 365);
    l.read("min_returns", c.learn.min_returns, 10, 100000000);
  }
}

void validateConfig(ConfigDecoder& d, const std::string& path, const RepeatVisitConfig& c) {
  const std::string rv = path + ".";
  checkOrder<int>(d, rv + "yellow_returns_30d", c.yellow_returns_30d, rv + "orange_returns_30d",
                  c.orange_returns_30d);
  checkOrder<int>(d, rv + "orange_returns_30d", c.orange_returns_30d, rv + "red_returns_30d",
                  c.red_returns_30d);
  checkOrder<double>(d, rv + "yellow_lambda", c.yellow_lambda, rv + "orange_lambda",
                     c.orange_lambda);
  if (!d.failed(rv + "hawkes_alpha") && !d.failed(rv + "hawkes_beta") &&
      c.hawkes_alpha >= c.hawkes_beta) {
    d.invalid(rv + "hawkes_alpha",
              "must be below hawkes_beta (" + formatNumber(c.hawkes_beta) +
                  "): with alpha/beta >= 1 each return brings on average one more, and the "
                  "intensity grows without bound; got " +
                  formatNumber(c.hawkes_alpha));
  }
  if (!d.failed(rv + "hawkes_mu") && !d.failed(rv + "yellow_lambda") &&
      c.yellow_lambda <= c.hawkes_mu) {
    d.invalid(rv + "yellow_lambda",
              "must be above hawkes_mu (" + formatNumber(c.hawkes_mu) +
                  "): the intensity never decays below the background rate, so no alert would "
                  "ever resolve; got " +
                  formatNumber(c.yellow_lambda));
  }
}

void writeConfig(ConfigWriter& w, const RepeatVisitConfig& c) {
  w.number("hawkes_mu", c.hawkes_mu);
  w.number("hawkes_alpha", c.hawkes_alpha);
  w.number("hawkes_beta", c.hawkes_beta);
  w.number("above_level_weight", c.above_level_weight);
  w.integer("yellow_returns_30d", c.yellow_returns_30d);
  w.number("yellow_lambda", c.yellow_lambda);
  w.integer("orange_returns_30d", c.orange_returns_30d);
  w.number("orange_lambda", c.orange_lambda);
  w.integer("red_returns_30d", c.red_returns_30d);
  w.integer("red_returns_90d", c.red_returns_90d);
  w.integer("quiet_days", c.quiet_days);
  w.integer("matter_min_persons", c.matter_min_persons);
  w.integer("matter_min_returns_90d", c.matter_min_returns_90d);
  w.beginMap("learn");
  w.boolean("enabled", c.learn.enabled);
  w.integer("refit_every_days", c.learn.refit_every_days);
  w.integer("min_returns", c.learn.min_returns);
  w.endMap();
}

}  // namespace casewatch
