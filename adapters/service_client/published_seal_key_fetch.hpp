#pragma once
// What a channel back-end does before it seals a passcode (issue 15): GET /v1/keys/passcode
// from enrollmentd and check the body's signature against the seal_publisher keys it was
// given out of band (load_seal_publisher_public_keys of its own key folder). A key that does
// not verify is never used. The key can rotate on the server: a back-end fetches it again
// from time to time (the citizen simulator's --key-refresh-s) and keeps the last verified key
// while a fetch fails. The answer's check is answer/seal_key_answer.hpp's.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "adapters/service_client/answer/seal_key_answer.hpp"
#include "adapters/service_client/service_client.hpp"

namespace enroll::client {

inline constexpr std::string_view kSealKeyPath = "/v1/keys/passcode";
// The signed body is a few hundred bytes; more is not an answer of enrollmentd.
inline constexpr std::size_t kSealKeyBodyLimit = 16 * 1024;
inline constexpr std::chrono::seconds kSealKeyTimeout{10};

// GETs the key from `api` (http[s]://host:port, `ca_file` for https with a certificate of
// one's own CA) within kSealKeyTimeout and at most kSealKeyBodyLimit bytes, and checks it.
// Throws Error(bad_url) for a bad URL, ServiceUnreachable, or seal_key_from_answer's errors.
FetchedSealKey fetch_seal_key(const std::string& api, const std::string& ca_file,
                              const crypto::PublisherKeys& trusted);

}  // namespace enroll::client
