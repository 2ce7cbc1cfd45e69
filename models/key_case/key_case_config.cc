#include "models/key_case/key_case_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

// Blue is below any repeat_visit alert worth a ledger entry; a bad name is an error at its key.
const EnumTable<Tier> kRepeatTiers = {
    {"yellow", Tier::kYellow}, {"orange", Tier::kOrange}, {"red", Tier::kRed}};

}  // namespace

void decodeConfig(MapReader& r, KeyCaseConfig& c) {
  r.read("repeat_tier", c.repeat_tier, kRepeatTiers);
  r.read("person_open_cases", c.person_open_cases, 2, 10000);
  r.read("collective_group_size", c.collective_group_size, 2, 1000000);
  r.read("exit_quiet_days", c.exit_quiet_days, 1, kMaxDays);
  r.read("unowned_orange_events", c.unowned_orange_events, 1, 10000);
  r.read("owner_idle_days", c.owner_idle_days, 1, kMaxDays);
  r.read("owner_idle_red_days", c.owner_idle_red_days, 1, kMaxDays);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const KeyCaseConfig& c) {
  const std::string kc = path + ".";
  checkOrder<int>(d, kc + "owner_idle_days", c.owner_idle_days, kc + "owner_idle_red_days",
                  c.owner_idle_red_days);
}

void writeConfig(ConfigWriter& w, const KeyCaseConfig& c) {
  w.name("repeat_tier", enumName(kRepeatTiers, c.repeat_tier));
  w.integer("person_open_cases", c.person_open_cases);
  w.integer("collective_group_size", c.collective_group_size);
  w.integer("exit_quiet_days", c.exit_quiet_days);
  w.integer("unowned_orange_events", c.unowned_orange_events);
  w.integer("owner_idle_days", c.owner_idle_days);
  w.integer("owner_idle_red_days", c.owner_idle_red_days);
}

}  // namespace casewatch
