#include "config/config_writer.h"

#include <yaml-cpp/yaml.h>

#include "config/config_reader.h"

namespace casewatch {

ConfigWriter::ConfigWriter(bool redact_secrets)
    : e_(std::make_unique<YAML::Emitter>()), redact_secrets_(redact_secrets) {
  *e_ << YAML::BeginMap;
}

ConfigWriter::~ConfigWriter() = default;

void ConfigWriter::beginMap(std::string_view key) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
}

void ConfigWriter::endMap() {
  *e_ << YAML::EndMap;
}

void ConfigWriter::beginList(std::string_view key, bool empty) {
  *e_ << YAML::Key << std::string(key) << YAML::Value;
  if (empty) *e_ << YAML::Flow;  // "[]" on the key's line
  *e_ << YAML::BeginSeq;
}

void ConfigWriter::endList() {
  *e_ << YAML::EndSeq;
}

void ConfigWriter::beginItem() {
  *e_ << YAML::BeginMap;
}

void ConfigWriter::endItem() {
  *e_ << YAML::EndMap;
}

void ConfigWriter::string(std::string_view key, const std::string& value) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << YAML::DoubleQuoted << value;
}

void ConfigWriter::secret(std::string_view key, const std::string& value) {
  string(key, redact_secrets_ && !value.empty() ? std::string(kRedacted) : value);
}

void ConfigWriter::name(std::string_view key, std::string_view value) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << std::string(value);
}

void ConfigWriter::integer(std::string_view key, long long value) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << value;
}

void ConfigWriter::boolean(std::string_view key, bool value) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << value;
}

void ConfigWriter::number(std::string_view key, double value) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << formatNumber(value);
}

void ConfigWriter::strings(std::string_view key, const std::vector<std::string>& values) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& s : values) *e_ << YAML::DoubleQuoted << s;
  *e_ << YAML::EndSeq;
}

void ConfigWriter::integers(std::string_view key, const std::vector<int>& values) {
  *e_ << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (int v : values) *e_ << v;
  *e_ << YAML::EndSeq;
}

std::string ConfigWriter::text() {
  *e_ << YAML::EndMap;
  return std::string(e_->c_str()) + "\n";
}

}  // namespace casewatch
