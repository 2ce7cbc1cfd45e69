// The alert contract's JSON form (version 1), and back (for restoring from the store).
//
// Extensions (compatible, documented in the README): each reason also carries `text_<locale>` for
// every locale of the message templates (`text_en`, `text_zh-CN`, then any added language's, e.g.
// `text_fr`), and `summary` has a key per locale in the same order;
// the top level carries `change` (what this publication is: fired, tier_changed, resolved, ...),
// and, from the duty officers' workflow, `group: {"id"}` (the group alert this one is grouped
// under), `inhibited_by` (an alert id) and `silenced_by` (a silence id) when they apply.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "alerts/alert.h"

namespace casewatch {

struct AlertJsonOptions {
  std::string locale = "en";     // the language of each reason's `text` (English if it has none)
  int utc_offset_minutes = 480;  // RFC 3339 times are printed in this offset
  friend bool operator==(const AlertJsonOptions&, const AlertJsonOptions&) = default;
};

std::string alertToJson(const Alert& a, const AlertJsonOptions& opts,
                        const ChangeKind* change = nullptr);
// The same through nlohmann's DOM (the reference form alertToJson falls back to).
std::string alertToJsonByDom(const Alert& a, const AlertJsonOptions& opts,
                             const ChangeKind* change = nullptr);
// A JSON number as nlohmann::json prints a double (the alerts' bytes stay as they were); "null"
// when not finite. `out` holds 64 chars.
size_t formatJsonDouble(double v, char* out);

// An alert's JSON (alertToJson without `change`) under the options it was encoded with: encoded
// once per alert change and shared by every consumer that prints with the same options.
struct EncodedAlert {
  AlertJsonOptions options;
  std::string json;
};
std::shared_ptr<const EncodedAlert> encodeAlert(const Alert& a, const AlertJsonOptions& opts);
// alertToJson(c.alert, opts): the change's encoding when it has one under `opts`.
std::string alertJsonOf(const AlertChange& c, const AlertJsonOptions& opts);
// alertToJson(c.alert, opts, &c.kind), from the change's encoding when it has one under `opts`.
std::string alertJsonWithChange(const AlertChange& c, const AlertJsonOptions& opts);
// A bus message: the alert as alertToJson() with `change`, and `seq` (an extension of the
// contract) when the change has one.
std::string alertChangeToJson(const AlertChange& c, const AlertJsonOptions& opts);
// What alertFromJson() reads: the whole alert, or all but its evidence (reasons, actions and
// summary, with their texts in every locale, left empty and unchecked), which start-up's
// reconciliation does not compare: the texts were most of the parse of 200k stored alerts at a
// million cases.
enum class AlertJsonRead { kWhole, kWithoutEvidence };
absl::StatusOr<Alert> alertFromJson(std::string_view json,
                                    AlertJsonRead read = AlertJsonRead::kWhole);

}  // namespace casewatch
