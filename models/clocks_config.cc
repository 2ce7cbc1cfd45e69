#include "models/clocks_config.h"

#include <cstdio>
#include <map>
#include <utility>

#include "base/time.h"
#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

const EnumTable<DayCount> kDayCounts = {{"calendar", DayCount::kCalendar},
                                        {"working", DayCount::kWorking}};
const EnumTable<int> kChannels = {{"visit", 0}, {"letter", 1}, {"online", 2}, {"phone", 3}};

constexpr std::string_view kOverrideKeys[] = {"procedural_reply_days", "routing_days",
                                              "handling_days",         "review_days",
                                              "recheck_days",          "day_count"};

void decodeOverride(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                    ClockOverride& o) {
  MapReader r(d, n, path);
  r.read("agency", o.agency);
  r.readChoice("channel", o.channel, kChannels);
  r.read("procedural_reply_days", o.procedural_reply_days, 1, kMaxDays);
  r.read("routing_days", o.routing_days, 1, kMaxDays);
  r.read("handling_days", o.handling_days, 1, kMaxDays);
  r.read("review_days", o.review_days, 1, kMaxDays);
  r.read("recheck_days", o.recheck_days, 1, kMaxDays);
  r.read("day_count", o.day_count, kDayCounts);
  // Checked on what was written rather than on what decoded, so that a bad value is one error.
  const ConfigNode* channel = r.find("channel");
  if (o.agency.empty() && (channel == nullptr || channel->kind != ConfigNode::Kind::kScalar ||
                           channel->scalar.empty())) {
    d.error(path, "an override must name an agency, a channel or both", n.loc);
  }
  bool sets_any = false;
  for (std::string_view key : kOverrideKeys) sets_any = sets_any || r.find(key) != nullptr;
  if (!sets_any) {
    d.error(path,
            "an override must set at least one of procedural_reply_days, routing_days, "
            "handling_days, review_days, recheck_days, day_count",
            n.loc);
  }
}

std::string formatOffset(int minutes) {
  if (minutes == 0) return "Z";
  const int abs = minutes < 0 ? -minutes : minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', abs / 60, abs % 60);
  return buf;
}

}  // namespace

void decodeConfig(MapReader& r, ClocksConfig& c) {
  ConfigDecoder& d = r.decoder();
  r.read("procedural_reply_days", c.procedural_reply_days, 1, kMaxDays);
  r.read("routing_days", c.routing_days, 1, kMaxDays);
  r.read("handling_days", c.handling_days, 1, kMaxDays);
  r.read("review_days", c.review_days, 1, kMaxDays);
  r.read("recheck_days", c.recheck_days, 1, kMaxDays);
  r.read("day_count", c.day_count, kDayCounts);
  r.read("holiday_calendar", c.holiday_calendar);
  if (const ConfigNode* tz = r.take("timezone")) {
    std::string text;
    if (decodeString(d, *tz, r.pathOf("timezone"), text)) {
      if (const std::optional<int> offset = parseUtcOffset(text)) {
        c.utc_offset_minutes = *offset;
      } else {
        d.error(r.pathOf("timezone"),
                "expected a UTC offset such as \"+08:00\", \"-05:30\" or \"Z\", got " +
                    describeNode(*tz),
                tz->loc);
      }
    }
  }
  r.read("warning_days", c.warning_days, 0, 365);
  r.read("red_after_days", c.red_after_days, 0, kMaxDays);
  if (const ConfigNode* overrides = r.take("overrides")) {
    decodeList(d, *overrides, r.pathOf("overrides"), c.overrides,
               [&](const ConfigNode& item, const std::string& p, ClockOverride& o) {
                 decodeOverride(d, item, p, o);
               });
  }
}

void validateConfig(ConfigDecoder& d, const std::string& path, const ClocksConfig& c) {
  if (!c.holiday_calendar.empty()) {
    checkReadableFile(d, path + ".holiday_calendar", c.holiday_calendar);
  }
  const std::string overrides = path + ".overrides";
  std::map<std::pair<std::string, std::string>, size_t> override_keys;
  for (size_t i = 0; i < c.overrides.size(); ++i) {
    const ClockOverride& o = c.overrides[i];
    const std::string at = indexPath(overrides, i);
    // Reported while decoding; comparing half-decoded overrides would only add noise.
    if (o.agency.empty() && o.channel.empty()) continue;
    if (d.failed(at + ".agency") || d.failed(at + ".channel")) continue;
    if (const auto [it, fresh] = override_keys.emplace(std::pair(o.agency, o.channel), i); !fresh) {
      d.invalid(at, "the same agency and channel as " + indexPath(overrides, it->second) +
                        ": it is not clear which should apply");
    }
  }
}

void writeConfig(ConfigWriter& w, const ClocksConfig& k) {
  w.integer("procedural_reply_days", k.procedural_reply_days);
  w.integer("routing_days", k.routing_days);
  w.integer("handling_days", k.handling_days);
  w.integer("review_days", k.review_days);
  w.integer("recheck_days", k.recheck_days);
  w.name("day_count", enumName(kDayCounts, k.day_count));
  w.string("holiday_calendar", k.holiday_calendar);
  w.string("timezone", formatOffset(k.utc_offset_minutes));
  w.integer("warning_days", k.warning_days);
  w.integer("red_after_days", k.red_after_days);
  w.beginList("overrides", k.overrides.empty());
  for (const ClockOverride& o : k.overrides) {
    w.beginItem();
    if (!o.agency.empty()) w.string("agency", o.agency);
    if (!o.channel.empty()) w.string("channel", o.channel);
    const std::pair<std::string_view, const std::optional<int>*> days[] = {
        {"procedural_reply_days", &o.procedural_reply_days},
        {"routing_days", &o.routing_days},
        {"handling_days", &o.handling_days},
        {"review_days", &o.review_days},
        {"recheck_days", &o.recheck_days}};
    for (const auto& [key, value] : days) {
      if (*value) w.integer(key, **value);
    }
    if (o.day_count) w.name("day_count", enumName(kDayCounts, *o.day_count));
    w.endItem();
  }
  w.endList();
}

}  // namespace casewatch
