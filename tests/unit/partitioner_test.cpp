// The partition of a key must be the one Java clients (and this project's producers, with
// partitioner=murmur2_random) choose: Kafka's murmur2 test vectors (UtilsTest.testMurmur2).
#include "adapters/kafka/partition/partitioner.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "errors/errc.hpp"

namespace enroll::kafka {
namespace {

std::int32_t java_partition(std::int32_t murmur2, std::int32_t count) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(murmur2) & 0x7fffffffU) %
                                   static_cast<std::uint32_t>(count));
}

TEST(PartitionerTest, MatchesJavaMurmur2) {
  const std::pair<const char*, std::int32_t> vectors[] = {
      {"21", -973932308},
      {"foobar", -790332482},
      {"a-little-bit-long-string", -985981536},
      {"a-little-bit-longer-string", -1486304829},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
      {"abc", 479470107},
  };
  for (const auto& [key, hash] : vectors) {
    for (std::int32_t count : {1, 3, 12, 100, 1000}) {
      EXPECT_EQ(partition_for(key, count), java_partition(hash, count)) << key << " % " << count;
    }
  }
}

TEST(PartitionerTest, RefusesNoPartitions) { EXPECT_THROW(partition_for("x", 0), Error); }

}  // namespace
}  // namespace enroll::kafka
