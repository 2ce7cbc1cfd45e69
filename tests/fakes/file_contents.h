// Reading and writing a whole file as bytes, for tests that check what a component wrote or hand
// it a file to read. A missing file reads as empty.
//
// Header-only.
#pragma once

#include <fstream>
#include <iterator>
#include <string>

namespace casewatch::testing {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void writeFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

}  // namespace casewatch::testing
