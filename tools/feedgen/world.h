// The generator's model of the world: regions (real administrative codes of Zunyi and Guiyang,
// Guizhou), the agencies of each region and of its city, the grievance categories, and the local
// calendar (UTC+08:00, weekends and the 2026 public holidays) that office work follows.
//
// Ownership and thread-safety: immutable after construction; share it read-only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace casewatch::feedgen {

enum class Category : uint8_t {
  kWageArrears,
  kDemolition,
  kLand,
  kJudicial,
  kSocialSecurity,
  kOther
};
constexpr size_t kCategoryCount = 6;

enum class Channel : uint8_t { kVisit, kLetter, kOnline, kPhone };
enum class Level : uint8_t { kCounty, kCity, kProvince, kNational };

// The kinds of agency every county-level region (and every city) has.
enum class AgencyKind : uint8_t {
  kPetitionBureau,  // 信访局: receives and routes
  kHrss,            // 人社: wages, social insurance
  kHousing,         // 住建: construction wages, expropriation
  kNaturalResources,
  kAgriculture,
  kCourt,
  kProcuratorate,  // 12309 service centre
  kPublicSecurity,
  kCivilAffairs,
  kMedicalSecurity,
  kMarketRegulation,
};
constexpr size_t kAgencyKindCount = 11;

std::string_view categoryName(Category c);
std::string_view channelName(Channel c);
std::string_view levelName(Level l);
std::string_view agencyKindSlug(AgencyKind k);

struct Region {
  std::string_view code;    // administrative division code, e.g. "520303"
  std::string_view slug;    // e.g. "huichuan"
  std::string_view prefix;  // case-id prefix, e.g. "HC"
  std::string_view city;    // the prefecture-level city, e.g. "zunyi"
  double weight;            // relative case volume
};

using AgencyId = uint16_t;

class World {
 public:
  static constexpr int kUtcOffsetMinutes = 8 * 60;
  static constexpr TimeMs kOffsetMs = kUtcOffsetMinutes * kMsPerMinute;

  // The first `region_count` regions of the built-in table (1..maxRegions()).
  explicit World(size_t region_count);
  static size_t maxRegions();

  size_t regionCount() const { return regions_.size(); }
  const Region& region(size_t i) const { return regions_[i]; }
  std::span<const double> regionWeights() const { return region_weights_; }

  AgencyId countyAgency(size_t region, AgencyKind k) const;
  AgencyId cityAgency(size_t region, AgencyKind k) const;
  const std::string& agencyName(AgencyId a) const { return agency_names_[a]; }
  AgencyKind agencyKind(AgencyId a) const { return agency_kinds_[a]; }
  bool isCityAgency(AgencyId a) const { return a >= regions_.size() * kAgencyKindCount; }

  // Producing systems: each region has its petition system and its procuratorate's 12309 centre.
  size_t sourceCount() const { return source_names_.size(); }
  const std::string& sourceName(size_t s) const { return source_names_[s]; }
  size_t sourceFor(size_t region, AgencyId registering_agency) const;

  // Local calendar (days are counted from 1970-01-01 in local time).
  static int64_t localDay(TimeMs t);
  static TimeMs dayStart(int64_t day);  // the instant local midnight starts `day`
  bool isWorkingDay(int64_t day) const;
  int64_t workdayOnOrAfter(int64_t day) const;
  // The last working day <= day and >= floor; if there is none, the first one after `day`.
  int64_t workdayOnOrBefore(int64_t day, int64_t floor) const;
  // Wage-arrears petitions rise in the weeks before the Spring Festival: a factor >= 1.
  double wageArrearsFactor(int64_t day) const;

 private:
  std::vector<Region> regions_;
  std::vector<double> region_weights_;
  std::vector<std::string> cities_;
  std::vector<size_t> region_city_;
  std::vector<std::string> agency_names_;
  std::vector<AgencyKind> agency_kinds_;
  std::vector<std::string> source_names_;
  std::vector<int64_t> holidays_;     // sorted local days off on weekdays
  std::vector<int64_t> makeup_days_;  // sorted weekend days that are working days
  std::vector<int64_t> spring_festivals_;
};

}  // namespace casewatch::feedgen
