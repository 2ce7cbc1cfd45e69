#include "models/stability/stability_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, StabilityConfig& c) {
  r.read("weight_blue", c.weight_blue, 0, 1000);
  r.read("weight_yellow", c.weight_yellow, 0, 1000);
  r.read("weight_orange", c.weight_orange, 0, 1000);
  r.read("weight_red", c.weight_red, 0, 1000);
  r.read("collective_factor", c.collective_factor, 0, 1000);
  r.read("overdue_weight", c.overdue_weight, 0, 100000);
  r.read("min_open_cases", c.min_open_cases, 1, 1000000);
  r.read("ledger_weight", c.ledger_weight, 0, 1000);
  r.read("scale", c.scale, 0.001, 1e9);
  r.read("blue_below", c.blue_below, 0, 100);
  r.read("yellow_below", c.yellow_below, 0, 100);
  r.read("orange_below", c.orange_below, 0, 100);
  r.read("red_below", c.red_below, 0, 100);
  r.read("hysteresis", c.hysteresis, 0, 50);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const StabilityConfig& c) {
  // The stability tiers are bounds on a falling index: red's bound is the lowest.
  const std::string st = path + ".";
  checkOrder<double>(d, st + "red_below", c.red_below, st + "orange_below", c.orange_below);
  checkOrder<double>(d, st + "orange_below", c.orange_below, st + "yellow_below", c.yellow_below);
  checkOrder<double>(d, st + "yellow_below", c.yellow_below, st + "blue_below", c.blue_below);
}

void writeConfig(ConfigWriter& w, const StabilityConfig& c) {
  w.number("weight_blue", c.weight_blue);
  w.number("weight_yellow", c.weight_yellow);
  w.number("weight_orange", c.weight_orange);
  w.number("weight_red", c.weight_red);
  w.number("collective_factor", c.collective_factor);
  w.number("overdue_weight", c.overdue_weight);
  w.integer("min_open_cases", c.min_open_cases);
  w.number("ledger_weight", c.ledger_weight);
  w.number("scale", c.scale);
  w.number("blue_below", c.blue_below);
  w.number("yellow_below", c.yellow_below);
  w.number("orange_below", c.orange_below);
  w.number("red_below", c.red_below);
  w.number("hysteresis", c.hysteresis);
}

}  // namespace casewatch
