#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace enroll::devbroker {

// Kafka protocol request type from its number ("0") or its name ("Produce", case-insensitive).
std::optional<std::int16_t> parse_api_key(std::string_view text);

// librdkafka error code from its number ("6", "-195") or its name as rd_kafka_err2name()
// spells it ("NOT_LEADER_FOR_PARTITION", "_TRANSPORT"), optionally with the
// "RD_KAFKA_RESP_ERR_" prefix, case-insensitive.
std::optional<rd_kafka_resp_err_t> parse_error_code(std::string_view text);

// Strict decimal integer: the whole text, no sign for unsigned use, no spaces.
std::optional<long long> parse_int(std::string_view text);

}  // namespace enroll::devbroker
