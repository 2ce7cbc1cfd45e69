// models.group_incident decoded by its own config file: ears_method is an enum from the moment it
// is read, and a bad value is an error naming its key path and the allowed values.
#include "models/group_incident/group_incident_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;

TEST(GroupIncidentConfigTest, EarsMethodIsAnEnumAtDecodeTime) {
  const ConfigResult r = loadConfig("models: {group_incident: {ears_method: c1}}\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.models.get<GroupIncidentConfig>().ears_method, EarsMethod::kC1);
  EXPECT_EQ(loadDefaultConfig().config.models.get<GroupIncidentConfig>().ears_method,
            EarsMethod::kC2);
}

TEST(GroupIncidentConfigTest, BadEarsMethodNamesTheKeyPath) {
  const ConfigResult r = loadConfig("models: {group_incident: {ears_method: c4, earz_alpha: 1}}\n");
  ASSERT_EQ(r.errors.size(), 2u) << r.describe();
  EXPECT_EQ(r.errors[0].path, "models.group_incident.ears_method");
  EXPECT_THAT(r.errors[0].message, HasSubstr("expected one of c1, c2, c3; got \"c4\""));
  EXPECT_EQ(r.errors[1].path, "models.group_incident.earz_alpha");
  EXPECT_THAT(r.errors[1].message, HasSubstr("did you mean \"ears_alpha\"?"));
}

}  // namespace
}  // namespace casewatch
