// A fresh directory under /tmp for one test, removed with everything in it when the object goes.
//
// Header-only.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace casewatch::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/casewatch-test-XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    if (p == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = p ? p : "/tmp";
  }
  ~TempDir() {
    std::error_code ec;
    if (path_ != "/tmp") std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace casewatch::testing
