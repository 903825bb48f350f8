#include "errors/errc.hpp"

#include <array>

namespace enroll {
namespace {

using C = ErrorCategory;

// The one table. A dead letter's HTTP status is never used; 422 says "refused as it is".
constexpr std::array kTable{
    ErrcInfo{Errc::too_large, C::codec, "too_large", false, 413},
    ErrcInfo{Errc::missing_key, C::codec, "missing_key", false, 422},
    ErrcInfo{Errc::not_json, C::codec, "not_json", false, 400},
    ErrcInfo{Errc::too_deep, C::codec, "too_deep", false, 422},
    ErrcInfo{Errc::invalid_data, C::codec, "invalid_data", false, 422},
    ErrcInfo{Errc::not_cloudevent, C::codec, "not_cloudevent", false, 422},
    ErrcInfo{Errc::unknown_type, C::codec, "unknown_type", false, 422},
    ErrcInfo{Errc::key_mismatch, C::codec, "key_mismatch", false, 422},
    ErrcInfo{Errc::undecodable, C::codec, "undecodable", false, 422},
    ErrcInfo{Errc::untrusted_timestamp, C::codec, "untrusted_timestamp", false, 422},
    ErrcInfo{Errc::unsigned_message, C::codec, "unsigned", false, 422},
    ErrcInfo{Errc::unknown_key, C::codec, "unknown_key", false, 422},
    ErrcInfo{Errc::key_not_valid, C::codec, "key_not_valid", false, 422},
    ErrcInfo{Errc::revoked_key, C::codec, "revoked_key", false, 422},
    ErrcInfo{Errc::bad_signature, C::codec, "bad_signature", false, 422},
    ErrcInfo{Errc::stale_message, C::codec, "stale_message", false, 422},
    ErrcInfo{Errc::engine_fault, C::engine, "engine_fault", false, 500},
    ErrcInfo{Errc::unprocessable, C::engine, "unprocessable", false, 422},
    ErrcInfo{Errc::unencodable, C::engine, "unencodable", false, 500},
    ErrcInfo{Errc::output_too_large, C::engine, "output_too_large", false, 500},
    ErrcInfo{Errc::state_too_large, C::engine, "state_too_large", false, 500},
    ErrcInfo{Errc::commit_failed, C::engine, "commit_failed", false, 500},
    ErrcInfo{Errc::registration_quarantined, C::engine, "registration_quarantined", false, 409},
    ErrcInfo{Errc::stale_epoch, C::store, "stale_epoch", false, 409},
    ErrcInfo{Errc::redis_unavailable, C::store, "redis_unavailable", true, 503},
    ErrcInfo{Errc::redis_refused, C::store, "redis_refused", false, 500},
    ErrcInfo{Errc::bad_request, C::http, "bad_request", false, 400},
    ErrcInfo{Errc::bad_id, C::http, "bad_id", false, 400},
    ErrcInfo{Errc::bad_limit, C::http, "bad_limit", false, 400},
    ErrcInfo{Errc::bad_filter, C::http, "bad_filter", false, 400},
    ErrcInfo{Errc::bad_cursor, C::http, "bad_cursor", false, 400},
    ErrcInfo{Errc::bad_duration, C::http, "bad_duration", false, 400},
    ErrcInfo{Errc::unknown_step, C::http, "unknown_step", false, 400},
    ErrcInfo{Errc::unauthorized, C::http, "unauthorized", false, 401},
    ErrcInfo{Errc::operator_mismatch, C::http, "operator_mismatch", false, 403},
    ErrcInfo{Errc::not_an_operator, C::http, "not_an_operator", false, 403},
    ErrcInfo{Errc::not_found, C::http, "not_found", false, 404},
    ErrcInfo{Errc::registration_not_found, C::http, "registration_not_found", false, 404},
    ErrcInfo{Errc::method_not_allowed, C::http, "method_not_allowed", false, 405},
    ErrcInfo{Errc::definition_not_loaded, C::http, "definition_not_loaded", false, 409},
    ErrcInfo{Errc::registration_ended, C::http, "registration_ended", false, 409},
    ErrcInfo{Errc::registration_moved, C::http, "registration_moved", false, 409},
    ErrcInfo{Errc::count_changed, C::http, "count_changed", false, 409},
    ErrcInfo{Errc::job_not_found, C::http, "job_not_found", false, 404},
    ErrcInfo{Errc::rewind_forward, C::http, "rewind_forward", false, 409},
    ErrcInfo{Errc::history_purged, C::http, "history_purged", false, 410},
    ErrcInfo{Errc::payload_too_large, C::http, "payload_too_large", false, 413},
    ErrcInfo{Errc::headers_too_large, C::http, "headers_too_large", false, 431},
    ErrcInfo{Errc::not_ready, C::http, "not_ready", true, 503},
    ErrcInfo{Errc::busy, C::http, "busy", true, 503},
    ErrcInfo{Errc::kafka_unavailable, C::http, "kafka_unavailable", true, 503},
    ErrcInfo{Errc::internal, C::http, "internal", false, 500},
    ErrcInfo{Errc::bad_url, C::config, "bad_url", false, 400},
    ErrcInfo{Errc::bad_address, C::config, "bad_address", false, 400},
    ErrcInfo{Errc::bad_setting, C::config, "bad_setting", false, 400},
    ErrcInfo{Errc::bad_schema, C::config, "bad_schema", false, 500},
    ErrcInfo{Errc::crypto_failed, C::crypto, "crypto_failed", false, 500},
    ErrcInfo{Errc::bad_key, C::crypto, "bad_key", false, 500},
    ErrcInfo{Errc::io_failed, C::io, "io_failed", false, 500},
};

// The table is in the enum's order: info() indexes it (errc_test checks the order).
static_assert(kTable.size() == static_cast<std::size_t>(kLastErrc) + 1);

}  // namespace

const ErrcInfo& info(Errc code) { return kTable.at(static_cast<std::size_t>(code)); }

std::optional<Errc> errc_from_wire(std::string_view wire) {
  for (const auto& row : kTable) {
    if (row.wire == wire) return row.code;
  }
  return std::nullopt;
}

}  // namespace enroll
