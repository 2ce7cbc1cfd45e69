// An analyst's input read whole: a regular file (mapped), an empty one, standard input from a pipe
// (read in blocks, more than one block here), a file that is not there.
#include "base/input/input_text.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "tests/fakes/file_contents.h"

namespace casewatch::input {
namespace {

TEST(InputTextTest, ReadsARegularFileWhole) {
  const std::string path = ::testing::TempDir() + "/input_text_regular.csv";
  std::string data = "a,y\r\n";
  for (int i = 0; i < 50000; ++i) data += std::to_string(i) + "," + std::to_string(i % 2) + "\n";
  data += "last,line";  // no final newline
  casewatch::testing::writeFile(path, data);
  auto in = InputText::read(path);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->text(), data);
  InputText moved = std::move(*in);  // the text moves with it
  EXPECT_EQ(moved.text(), data);
}

TEST(InputTextTest, AnEmptyFileIsEmptyText) {
  const std::string path = ::testing::TempDir() + "/input_text_empty.csv";
  casewatch::testing::writeFile(path, "");
  auto in = InputText::read(path);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_TRUE(in->text().empty());
}

TEST(InputTextTest, AMissingFileCannotBeRead) {
  auto in = InputText::read("/nonexistent/dir/file.csv");
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().message(), "cannot read /nonexistent/dir/file.csv");
}

TEST(InputTextTest, ReadsStandardInputFromAPipe) {
  std::string data;
  while (data.size() < 3u << 20) data += "0.5,-1.25,1\n";  // three read blocks and more
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(fds[0]);
  std::thread writer([&] {
    for (size_t at = 0; at < data.size();) {
      const ssize_t n = ::write(fds[1], data.data() + at, data.size() - at);
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  auto in = InputText::read("-");
  writer.join();
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->text().size(), data.size());
  EXPECT_TRUE(in->text() == data);
}

}  // namespace
}  // namespace casewatch::input
