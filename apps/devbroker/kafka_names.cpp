#include "apps/devbroker/kafka_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

namespace enroll::devbroker {
namespace {

// librdkafka has no public ApiKey-to-name function, so the protocol's table is spelled out
// here (index = ApiKey). Keys the mock broker does not implement are harmless to target.
constexpr std::array<std::string_view, 48> kApiKeyNames = {
    "Produce",
    "Fetch",
    "ListOffsets",
    "Metadata",
    "LeaderAndIsr",
    "StopReplica",
    "UpdateMetadata",
    "ControlledShutdown",
    "OffsetCommit",
    "OffsetFetch",
    "FindCoordinator",
    "JoinGroup",
    "Heartbeat",
    "LeaveGroup",
    "SyncGroup",
    "DescribeGroups",
    "ListGroups",
    "SaslHandshake",
    "ApiVersions",
    "CreateTopics",
    "DeleteTopics",
    "DeleteRecords",
    "InitProducerId",
    "OffsetForLeaderEpoch",
    "AddPartitionsToTxn",
    "AddOffsetsToTxn",
    "EndTxn",
    "WriteTxnMarkers",
    "TxnOffsetCommit",
    "DescribeAcls",
    "CreateAcls",
    "DeleteAcls",
    "DescribeConfigs",
    "AlterConfigs",
    "AlterReplicaLogDirs",
    "DescribeLogDirs",
    "SaslAuthenticate",
    "CreatePartitions",
    "CreateDelegationToken",
    "RenewDelegationToken",
    "ExpireDelegationToken",
    "DescribeDelegationToken",
    "DeleteGroups",
    "ElectLeaders",
    "IncrementalAlterConfigs",
    "AlterPartitionReassignments",
    "ListPartitionReassignments",
    "OffsetDelete",
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<long long> parse_int(std::string_view text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::optional<std::int16_t> parse_api_key(std::string_view text) {
  if (const auto number = parse_int(text)) {
    if (*number < 0 || *number >= static_cast<long long>(kApiKeyNames.size())) return std::nullopt;
    return static_cast<std::int16_t>(*number);
  }
  for (std::size_t i = 0; i < kApiKeyNames.size(); ++i) {
    if (iequals(text, kApiKeyNames[i])) return static_cast<std::int16_t>(i);
  }
  return std::nullopt;
}

std::optional<rd_kafka_resp_err_t> parse_error_code(std::string_view text) {
  const struct rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  const auto known = [&](int code) -> bool {
    return std::any_of(descs, descs + count, [code](const rd_kafka_err_desc& d) {
      return d.name != nullptr && static_cast<int>(d.code) == code;
    });
  };
  if (const auto number = parse_int(text)) {
    if (*number < std::numeric_limits<int>::min() || *number > std::numeric_limits<int>::max() ||
        !known(static_cast<int>(*number))) {
      return std::nullopt;
    }
    return static_cast<rd_kafka_resp_err_t>(*number);
  }
  constexpr std::string_view kPrefix = "RD_KAFKA_RESP_ERR_";
  if (text.size() > kPrefix.size() && iequals(text.substr(0, kPrefix.size()), kPrefix)) {
    text.remove_prefix(kPrefix.size());
  }
  for (size_t i = 0; i < count; ++i) {
    if (descs[i].name != nullptr && iequals(text, descs[i].name)) return descs[i].code;
  }
  return std::nullopt;
}

}  // namespace enroll::devbroker
