// Feeds one event to a model in a unit test as the pipeline does in event-clock mode, so every
// model test keeps the pipeline's order: the model's clock moves to the event's time (never
// backwards), then the event is applied to the case state, then the model sees what it changed.
//
// Header-only.
#pragma once

#include "connectors/decode/case_event.h"
#include "models/model.h"
#include "state/case_store.h"

namespace casewatch::testing {

// `store` is the case state `ctx.cases` reads (ModelContext holds it read-only).
inline CaseUpdate feedModel(Model& model, CaseStore& store, ModelContext& ctx,
                            const CaseEvent& ev) {
  model.advanceTo(ev.ts, ctx);
  const CaseUpdate u = store.apply(ev);
  model.onEvent(ev, u, ctx);
  return u;
}

}  // namespace casewatch::testing
