// `casewatch`: the operator's command-line tool. Each subcommand lives in its own folder under
// tools/ and registers itself through one line in kCommands below.
#include <CLI/CLI.hpp>

#include "tools/client/client_commands.h"
#include "tools/detect/detect_command.h"
#include "tools/evaluate/evaluate_command.h"
#include "tools/feedgen/feedgen_command.h"
#include "tools/fit/fit_command.h"
#include "tools/keygen/keygen_command.h"
#include "tools/score/score_command.h"
#include "tools/shards/shards_command.h"

namespace {

using CommandRegistrar = void (*)(CLI::App&);

// The subcommands, in help order. To add one: write `void addXxxCommand(CLI::App&)` in
// tools/<xxx>/ and add a line here (fit, detect, alerts, ack, dead-letters, ...).
constexpr CommandRegistrar kCommands[] = {
    casewatch::addFeedgenCommand,  casewatch::addDetectCommand,   casewatch::addAlertsCommand,
    casewatch::addAckCommand,      casewatch::addUnackCommand,    casewatch::addResolveCommand,
    casewatch::addSilenceCommand,  casewatch::addSilencesCommand, casewatch::addDeadLettersCommand,
    casewatch::addLedgerCommand,   casewatch::addShardsCommand,   casewatch::addFitCommand,
    casewatch::addEvaluateCommand, casewatch::addKeygenCommand,   casewatch::addScoreCommand,
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"casewatch: tools for the casewatch petition-deadline daemon"};
  app.set_version_flag("--version", CASEWATCH_VERSION);
  app.require_subcommand(1);
  for (CommandRegistrar add : kCommands) add(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
