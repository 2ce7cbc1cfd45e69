// casewatch_tests links casewatch_core, which holds no tools/ sources, so the feedgen tests compile
// feedgen's sources in here. Delete this file once the build links tools/ sources (minus
// tools/main.cc) into casewatch_tests, e.g. through a `casewatch_tools` static library.
#include "tools/feedgen/case_clock.cc"
#include "tools/feedgen/case_lifecycle.cc"
#include "tools/feedgen/event_writer.cc"
#include "tools/feedgen/feed_generator.cc"
#include "tools/feedgen/feedgen_command.cc"
#include "tools/feedgen/feedgen_options.cc"
#include "tools/feedgen/scenario.cc"
#include "tools/feedgen/stream.cc"
#include "tools/feedgen/truth.cc"
#include "tools/feedgen/world.cc"
#include "tools/feedgen/zmq_publisher.cc"
