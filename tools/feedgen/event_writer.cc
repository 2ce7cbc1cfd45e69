#include "tools/feedgen/event_writer.h"

#include <charconv>
#include <cstdio>

#include "tools/feedgen/rng.h"

namespace casewatch::feedgen {
namespace {

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void appendPadded(std::string& out, uint64_t v, int width) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  for (int n = static_cast<int>(r.ptr - buf); n < width; ++n) out.push_back('0');
  out.append(buf, r.ptr);
}

void append2(std::string& out, int64_t v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// ,"key":"value"
void field(std::string& out, std::string_view key, std::string_view value) {
  out.append(",\"").append(key).append("\":\"").append(value).push_back('"');
}

void fieldUint(std::string& out, std::string_view key, uint64_t value) {
  out.append(",\"").append(key).append("\":");
  appendUint(out, value);
}

}  // namespace

EventWriter::EventWriter(const World& world, uint64_t seed, bool raw_persons)
    : world_(world),
      seed_(seed),
      person_key_(splitmix64(seed ^ 0x70657273'6f6e7321ULL)),
      raw_persons_(raw_persons) {}

void EventWriter::appendPersonId(std::string& out, uint64_t person) const {
  if (raw_persons_) {
    // An affine bijection on [0, 10^10): looks random, never repeats for distinct persons.
    constexpr uint64_t kModulus = 10'000'000'000ULL;
    const auto scrambled = static_cast<uint64_t>(
        (static_cast<unsigned __int128>(person) * 3'141'592'653ULL + person_key_ % kModulus) %
        kModulus);
    out.append("id:");
    appendPadded(out, scrambled, 10);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t h = splitmix64(person ^ person_key_);
  out.append("p:");
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(h >> shift) & 0xf]);
}

std::string EventWriter::personId(uint64_t person) const {
  std::string s;
  appendPersonId(s, person);
  return s;
}

void EventWriter::appendMatter(std::string& out, const MatterRef& m) const {
  out.append("m:").append(world_.region(m.region).code).push_back('-');
  out.append(categoryName(m.category));
  out.append(m.site ? "-site-" : "-");
  appendPadded(out, m.number, m.site ? 2 : 7);
}

std::string EventWriter::matterKey(const MatterRef& m) const {
  std::string s;
  appendMatter(s, m);
  return s;
}

std::string EventWriter::caseId(uint16_t region, TimeMs registered, uint64_t number) const {
  std::string s(world_.region(region).prefix);
  s.push_back('-');
  appendUint(s, static_cast<uint64_t>(civilFromDays(World::localDay(registered)).year));
  s.push_back('-');
  appendPadded(s, number, 6);
  return s;
}

void EventWriter::appendTs(std::string& out, TimeMs t) {
  const int64_t day = World::localDay(t);
  if (day != cached_day_) {
    const CivilDate d = civilFromDays(day);
    std::snprintf(cached_date_, sizeof cached_date_, "%04d-%02d-%02d", d.year, d.month, d.day);
    cached_day_ = day;
  }
  const int64_t sod = (t - World::dayStart(day)) / kMsPerSecond;
  out.append(cached_date_, 10).push_back('T');
  append2(out, sod / 3600);
  out.push_back(':');
  append2(out, sod / 60 % 60);
  out.push_back(':');
  append2(out, sod % 60);
  out.append("+08:00");
}

std::string EventWriter::formatTs(TimeMs t) {
  return formatRfc3339(t, World::kUtcOffsetMinutes);
}

void EventWriter::render(const GenEvent& e, const CaseInfo* kase, const MatterRef& matter,
                         std::string_view source, uint64_t seq, std::string& out) {
  out.append("{\"v\":1,\"event_id\":\"").append(source).push_back(':');
  appendUint(out, seed_);
  out.push_back(':');
  appendUint(out, seq);
  out.append("\",\"source\":\"").append(source).append("\",\"seq\":");
  appendUint(out, seq);
  out.append(",\"type\":\"").append(eventTypeName(e.type)).append("\",\"ts\":\"");
  appendTs(out, e.ts);
  out.push_back('"');
  const bool cite =
      kase != nullptr && !kase->case_id.empty() && (e.type != EventType::kVisit || e.with_case);
  if (cite) field(out, "case_id", kase->case_id);

  auto persons = [&](uint64_t base, uint32_t count) {
    out.append(",\"persons\":[");
    for (uint32_t i = 0; i < count; ++i) {
      if (i > 0) out.push_back(',');
      out.push_back('"');
      appendPersonId(out, base + i);
      out.push_back('"');
    }
    out.push_back(']');
  };
  auto matterField = [&](const MatterRef& m) {
    out.append(",\"matter\":\"");
    appendMatter(out, m);
    out.push_back('"');
    field(out, "region", world_.region(m.region).code);
  };

  switch (e.type) {
    case EventType::kRegistered:
      persons(kase->person_base, kase->person_count);
      matterField(kase->matter);
      field(out, "agency", world_.agencyName(kase->agency));
      field(out, "category", categoryName(kase->matter.category));
      field(out, "channel", channelName(kase->channel));
      field(out, "level", levelName(kase->level));
      field(out, "competent_level", levelName(kase->competent_level));
      if (kase->group_size > 0) fieldUint(out, "group_size", kase->group_size);
      break;
    case EventType::kAccepted:
      field(out, "agency", world_.agencyName(static_cast<AgencyId>(e.value)));
      break;
    case EventType::kRejected:
      field(out, "reason", rejectReason(e.code));
      break;
    case EventType::kTransferred:
      field(out, "to_agency", world_.agencyName(static_cast<AgencyId>(e.value)));
      if (e.code > 0) field(out, "to_level", levelName(static_cast<Level>(e.code - 1)));
      break;
    case EventType::kExtended:
      fieldUint(out, "days", e.value);
      break;
    case EventType::kReplied:
    case EventType::kReviewDecided:
    case EventType::kRecheckDecided:
      field(out, "outcome", outcomeName(static_cast<Outcome>(e.code)));
      break;
    case EventType::kReviewRequested:
    case EventType::kRecheckRequested:
      field(out, "level", levelName(static_cast<Level>(e.code)));
      break;
    case EventType::kLeaderAssigned: {
      out.append(",\"leader\":\"leader:").append(world_.region(kase->matter.region).code);
      out.push_back('-');
      appendPadded(out, e.value, 2);
      out.push_back('"');
      break;
    }
    case EventType::kAidGranted:
      fieldUint(out, "amount", e.value);
      break;
    case EventType::kClosed:
      out.append(e.count ? ",\"resolved\":true" : ",\"resolved\":false");
      field(out, "satisfaction", satisfactionName(static_cast<Satisfaction>(e.code)));
      break;
    case EventType::kReopened:
      field(out, "reason", reopenReason(e.code));
      break;
    case EventType::kVisit:
      persons(e.person_base, e.count);
      matterField(matter);
      field(out, "level", levelName(static_cast<Level>(e.code)));
      if (e.value > e.count) fieldUint(out, "group_size", e.value);
      break;
    case EventType::kProceduralReply:
    case EventType::kHearingHeld:
    case EventType::kSettled:
      break;
  }
  out.push_back('}');
}

}  // namespace casewatch::feedgen
