#pragma once
// Opaque paging cursors: base64url text the client hands back unchanged. A cursor that does
// not decode, or is of the other kind, is refused (400 bad_cursor).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/redis/read_model.hpp"

namespace enroll::http {

// GET /v1/registrations: the position after which the next page starts.
std::string encode_list_cursor(const redis::ListPosition& after);
std::optional<redis::ListPosition> decode_list_cursor(std::string_view cursor);

// GET /v1/registrations/{id}/history: the offset of the next record.
std::string encode_history_cursor(std::int64_t offset);
std::optional<std::int64_t> decode_history_cursor(std::string_view cursor);

}  // namespace enroll::http
