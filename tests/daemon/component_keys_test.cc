// The documented key list is the tables': every key a component's writer writes is documented in
// config/casewatch.yaml where the component sits, and every documented key is one the loader
// writes back. No count or list of keys is kept by hand.
#include "daemon/component_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "config/loader.h"
#include "daemon/config_loader.h"
#include "tests/source_paths.h"

namespace casewatch {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> documentedKeys() {
  return configKeyPaths(embeddedDefaultConfigYaml());  // = config/casewatch.yaml (loader_test)
}

std::string under(std::string_view section, const std::string& key) {
  return section.empty() ? key : std::string(section) + "." + key;
}

TEST(ComponentKeysTest, KeyPathsOfADocument) {
  EXPECT_THAT(configKeyPaths("a: 1\nb:\n  c: x\n  d: []\nl:\n  - {n: 1, m: 2}\n  - {n: 3}\n"
                             "s: [x, y]\nempty: []\n"),
              ElementsAre("a", "b.c", "b.d", "l[].n", "l[].m", "s", "empty"));
}

TEST(ComponentKeysTest, EveryModelsKeysAreDocumentedInItsSection) {
  const std::vector<std::string> documented = documentedKeys();
  for (const ModelComponent& m : modelComponents()) {
    for (const std::string& key : modelKeys(m)) {
      EXPECT_THAT(documented, Contains(under(m.section, key))) << m.name;
    }
  }
}

TEST(ComponentKeysTest, EveryFeedKindsKeysAreDocumentedInTheFeedItem) {
  const std::vector<std::string> documented = documentedKeys();
  for (const FeedComponent& f : feedComponents()) {
    const std::vector<std::string> keys = feedKindKeys(f);
    EXPECT_THAT(keys, ::testing::IsSupersetOf({"name", "kind", "endpoint"})) << f.name;
    for (const std::string& key : keys) {
      EXPECT_THAT(documented, Contains("feeds[]." + key)) << f.name;
    }
  }
}

TEST(ComponentKeysTest, EverySinksKeysAreDocumentedInItsSection) {
  const std::vector<std::string> documented = documentedKeys();
  for (const SinkComponent& s : sinkComponents()) {
    for (const std::string& key : sinkKeys(s)) {
      EXPECT_THAT(documented, Contains(under(s.section, key))) << s.name;
    }
  }
}

TEST(ComponentKeysTest, TheDocumentedKeysAreExactlyTheKeysWrittenBack) {
  // Both ways: the tables' writers (models, feed kinds, sinks) and the top-level sections write
  // every key the file documents, and nothing else.
  const ConfigResult defaults = loadDefaultConfig();
  ASSERT_TRUE(defaults.ok()) << defaults.describe();
  std::vector<std::string> written = configKeyPaths(formatConfigYaml(defaults.config));
  // Keys of a feed kind that the default feed's kind does not write.
  for (const FeedComponent& f : feedComponents()) {
    for (const std::string& key : feedKindKeys(f)) {
      if (std::find(written.begin(), written.end(), "feeds[]." + key) == written.end())
        written.push_back("feeds[]." + key);
    }
  }
  EXPECT_THAT(documentedKeys(), UnorderedElementsAreArray(written));
}

}  // namespace
}  // namespace casewatch
