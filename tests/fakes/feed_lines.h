// Raw feed messages as a producer sends them (shared/contracts: one JSON object per event), for
// the feed tests: the smallest valid case.accepted and visit events, told apart by their event id.
//
// Header-only.
#pragma once

#include <string>

namespace casewatch::testing {

inline std::string acceptedLine(const std::string& id) {
  return R"({"v":1,"event_id":")" + id +
         R"(","source":"t","type":"case.accepted","ts":"2026-03-04T09:15:00+08:00","case_id":"C-1"})";
}

inline std::string visitLine(const std::string& id) {
  return R"({"v":1,"event_id":")" + id +
         R"(","source":"t","type":"visit","ts":"2026-03-04T09:15:00+08:00","persons":["p:1"],)"
         R"("matter":"m:1","region":"520302","level":"county"})";
}

}  // namespace casewatch::testing
