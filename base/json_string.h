// A JSON string written straight into a text, escaped exactly as nlohmann::json's dump() escapes
// it (ensure_ascii off): `"` and `\` escaped, \b \t \n \f \r as their short escapes, any other
// byte below 0x20 as \u00xx (lowercase hex), everything else, 0x7f and UTF-8 included, as it is.
//
// Why by hand: encoding an alert's JSON is done once per alert change, for the store, the bus and
// the API, and in an alert-heavy replay it was 40 % of the CPU (perf, 2026-12-07), most of it
// RapidJSON's Writer::String and a pass per string to decide whether RapidJSON and nlohmann would
// escape it alike (each a byte at a time: RapidJSON only takes 16 bytes at a time in the aligned
// middle of a string of 16 bytes or more). This takes 16 bytes at a time (SSE2, part of every
// x86-64) and escapes as nlohmann does, so no such pass is needed. Figures in alert_json.cc.
#pragma once

#include <string>
#include <string_view>

namespace casewatch {

// Appends `s` as a quoted JSON string. False, with `out` holding the string escaped as if it were
// valid, when `s` is not valid UTF-8: nlohmann replaces such bytes with U+FFFD, which the caller
// has to do its own way (alert_json.cc takes nlohmann's DOM form then).
bool appendJsonString(std::string& out, std::string_view s);

}  // namespace casewatch
