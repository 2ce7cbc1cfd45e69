#include "tools/feedgen/world.h"

#include <algorithm>

namespace casewatch::feedgen {
namespace {

// County-level divisions of Zunyi (5203) and Guiyang (5201). The first six are the default set.
constexpr std::array<Region, 20> kRegions = {{
    {"520302", "honghuagang", "HHG", "zunyi", 1.3}, {"520303", "huichuan", "HC", "zunyi", 1.2},
    {"520304", "bozhou", "BZ", "zunyi", 1.1},       {"520322", "tongzi", "TZ", "zunyi", 0.8},
    {"520382", "renhuai", "RH", "zunyi", 0.9},      {"520328", "meitan", "MT", "zunyi", 0.6},
    {"520323", "suiyang", "SY", "zunyi", 0.6},      {"520324", "zhengan", "ZA", "zunyi", 0.6},
    {"520325", "daozhen", "DZ", "zunyi", 0.4},      {"520326", "wuchuan", "WC", "zunyi", 0.4},
    {"520327", "fenggang", "FG", "zunyi", 0.5},     {"520329", "yuqing", "YQ", "zunyi", 0.4},
    {"520330", "xishui", "XS", "zunyi", 0.7},       {"520381", "chishui", "CS", "zunyi", 0.4},
    {"520102", "nanming", "NM", "guiyang", 1.4},    {"520103", "yunyan", "YY", "guiyang", 1.4},
    {"520111", "huaxi", "HX", "guiyang", 0.9},      {"520112", "wudang", "WD", "guiyang", 0.6},
    {"520113", "baiyun", "BY", "guiyang", 0.7},     {"520115", "guanshanhu", "GSH", "guiyang", 0.9},
}};

// Days off on weekdays and weekend working days, after the State Council's 2026 holiday notice.
constexpr std::array<CivilDate, 29> kHolidays2026 = {{
    {2026, 1, 1},  {2026, 1, 2},  {2026, 2, 16}, {2026, 2, 17}, {2026, 2, 18}, {2026, 2, 19},
    {2026, 2, 20}, {2026, 2, 23}, {2026, 4, 6},  {2026, 5, 1},  {2026, 5, 4},  {2026, 5, 5},
    {2026, 6, 19}, {2026, 9, 25}, {2026, 10, 1}, {2026, 10, 2}, {2026, 10, 5}, {2026, 10, 6},
    {2026, 10, 7}, {2025, 1, 1},  {2025, 1, 28}, {2025, 1, 29}, {2025, 1, 30}, {2025, 1, 31},
    {2025, 2, 3},  {2025, 2, 4},  {2025, 5, 1},  {2025, 5, 2},  {2025, 5, 5},
}};
constexpr std::array<CivilDate, 9> kMakeupDays = {{
    {2026, 1, 4},
    {2026, 2, 14},
    {2026, 2, 28},
    {2026, 5, 9},
    {2026, 9, 20},
    {2026, 10, 10},
    {2025, 1, 26},
    {2025, 2, 8},
    {2025, 4, 27},
}};
constexpr std::array<CivilDate, 4> kSpringFestivals = {
    {{2025, 1, 29}, {2026, 2, 17}, {2027, 2, 6}, {2028, 1, 26}}};

template <size_t N>
std::vector<int64_t> sortedDays(const std::array<CivilDate, N>& dates) {
  std::vector<int64_t> days;
  for (const CivilDate& d : dates) days.push_back(daysFromCivil(d));
  std::sort(days.begin(), days.end());
  return days;
}

}  // namespace

std::string_view categoryName(Category c) {
  static constexpr std::array<std::string_view, kCategoryCount> kNames = {
      "wage_arrears", "demolition", "land", "judicial", "social_security", "other"};
  return kNames[static_cast<size_t>(c)];
}

std::string_view channelName(Channel c) {
  static constexpr std::array<std::string_view, 4> kNames = {"visit", "letter", "online", "phone"};
  return kNames[static_cast<size_t>(c)];
}

std::string_view levelName(Level l) {
  static constexpr std::array<std::string_view, 4> kNames = {"county", "city", "province",
                                                             "national"};
  return kNames[static_cast<size_t>(l)];
}

std::string_view agencyKindSlug(AgencyKind k) {
  static constexpr std::array<std::string_view, kAgencyKindCount> kSlugs = {
      "petition-bureau",  "hrss",
      "housing",          "natural-resources",
      "agriculture",      "court",
      "procuratorate",    "public-security",
      "civil-affairs",    "medical-security",
      "market-regulation"};
  return kSlugs[static_cast<size_t>(k)];
}

size_t World::maxRegions() {
  return kRegions.size();
}

World::World(size_t region_count)
    : holidays_(sortedDays(kHolidays2026)),
      makeup_days_(sortedDays(kMakeupDays)),
      spring_festivals_(sortedDays(kSpringFestivals)) {
  region_count = std::clamp<size_t>(region_count, 1, kRegions.size());
  regions_.assign(kRegions.begin(), kRegions.begin() + static_cast<ptrdiff_t>(region_count));
  for (const Region& r : regions_) {
    region_weights_.push_back(r.weight);
    auto it = std::find(cities_.begin(), cities_.end(), r.city);
    if (it == cities_.end()) it = cities_.insert(cities_.end(), std::string(r.city));
    region_city_.push_back(static_cast<size_t>(it - cities_.begin()));
  }
  for (const Region& r : regions_) {
    for (size_t k = 0; k < kAgencyKindCount; ++k) {
      agency_names_.push_back(std::string(r.slug) + "-" +
                              std::string(agencyKindSlug(static_cast<AgencyKind>(k))));
      agency_kinds_.push_back(static_cast<AgencyKind>(k));
    }
  }
  for (const std::string& city : cities_) {
    for (size_t k = 0; k < kAgencyKindCount; ++k) {
      agency_names_.push_back(city + "-" + std::string(agencyKindSlug(static_cast<AgencyKind>(k))));
      agency_kinds_.push_back(static_cast<AgencyKind>(k));
    }
  }
  for (const Region& r : regions_) {
    source_names_.push_back(std::string(r.slug) + "-xinfang");
    source_names_.push_back(std::string(r.slug) + "-12309");
  }
}

AgencyId World::countyAgency(size_t region, AgencyKind k) const {
  return static_cast<AgencyId>(region * kAgencyKindCount + static_cast<size_t>(k));
}

AgencyId World::cityAgency(size_t region, AgencyKind k) const {
  return static_cast<AgencyId>((regions_.size() + region_city_[region]) * kAgencyKindCount +
                               static_cast<size_t>(k));
}

size_t World::sourceFor(size_t region, AgencyId registering_agency) const {
  return region * 2 + (agencyKind(registering_agency) == AgencyKind::kProcuratorate ? 1 : 0);
}

int64_t World::localDay(TimeMs t) {
  return casewatch::localDay(t, kOffsetMs);
}

TimeMs World::dayStart(int64_t day) {
  return day * kMsPerDay - kOffsetMs;
}

bool World::isWorkingDay(int64_t day) const {
  if (std::binary_search(makeup_days_.begin(), makeup_days_.end(), day)) return true;
  if (weekdayFromDays(day) >= 5) return false;
  return !std::binary_search(holidays_.begin(), holidays_.end(), day);
}

int64_t World::workdayOnOrAfter(int64_t day) const {
  while (!isWorkingDay(day)) ++day;
  return day;
}

int64_t World::workdayOnOrBefore(int64_t day, int64_t floor) const {
  for (int64_t d = day; d >= floor; --d) {
    if (isWorkingDay(d)) return d;
  }
  return workdayOnOrAfter(day);
}

double World::wageArrearsFactor(int64_t day) const {
  for (int64_t festival : spring_festivals_) {
    const int64_t before = festival - day;
    if (before >= 3 && before <= 45) return 2.2;
    if (before >= 0 && before < 3) return 1.4;
  }
  return 1.0;
}

}  // namespace casewatch::feedgen
