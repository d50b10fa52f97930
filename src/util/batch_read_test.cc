#include "util/batch_read.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <random>
#include <string>
#include <vector>

#include "testing/test_util.h"

namespace meridian {
namespace {

// Pieces read in batches (more than the ring's depth, of every size from
// empty up) equal the file's bytes, through the ring and through pread.
TEST(BatchReader, PiecesEqualTheFileInBothModes) {
  testing::TempDir dir;
  std::mt19937_64 rng(5);
  std::string bytes(1 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  testing::WriteAll(dir.File("f"), bytes);
  const int fd = ::open(dir.File("f").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (BatchReader::Mode mode : {BatchReader::Mode::kAuto, BatchReader::Mode::kPreadOnly}) {
    BatchReader reader(mode);
    if (mode == BatchReader::Mode::kPreadOnly) EXPECT_FALSE(reader.uses_ring());
    for (size_t batch : {size_t{1}, size_t{2}, size_t{10}, size_t{BatchReader::kDepth},
                         size_t{BatchReader::kDepth + 1}, size_t{3 * BatchReader::kDepth + 5}}) {
      std::vector<std::string> out(batch, "stale");
      std::vector<ReadRequest> req;
      for (size_t k = 0; k < batch; ++k) {
        const size_t n = k % 7 == 0 ? 0 : rng() % 5000;
        req.push_back({rng() % (bytes.size() - n), n, &out[k]});
      }
      ASSERT_TRUE(reader.Read(fd, req).ok()) << batch;
      for (size_t k = 0; k < batch; ++k)
        ASSERT_EQ(out[k], bytes.substr(req[k].offset, req[k].n)) << batch << " " << k;
    }
  }
  ::close(fd);
}

// A piece past the end of the file and a bad descriptor are errors, and
// the reader still reads correctly afterwards.
TEST(BatchReader, ErrorsAreReportedAndTheReaderGoesOn) {
  testing::TempDir dir;
  testing::WriteAll(dir.File("f"), std::string(10000, 'x') + "tail");
  const int fd = ::open(dir.File("f").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (BatchReader::Mode mode : {BatchReader::Mode::kAuto, BatchReader::Mode::kPreadOnly}) {
    BatchReader reader(mode);
    std::string a, b, c;
    std::vector<ReadRequest> past = {{0, 10, &a}, {9990, 100, &b}, {20000, 5, &c}};
    Status s = reader.Read(fd, past);
    EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
    EXPECT_NE(s.message().find("ends before"), std::string::npos) << s.ToString();
    std::vector<ReadRequest> bad = {{0, 10, &a}, {5, 10, &b}};
    EXPECT_EQ(reader.Read(-1, bad).code(), StatusCode::kIoError);
    std::vector<ReadRequest> good = {{10000, 4, &a}, {0, 3, &b}};
    ASSERT_TRUE(reader.Read(fd, good).ok());
    EXPECT_EQ(a, "tail");
    EXPECT_EQ(b, "xxx");
  }
  ::close(fd);
}

}  // namespace
}  // namespace meridian
