#pragma once
// What a channel back-end does before it seals a passcode (issue 15): GET /v1/keys/passcode
// from enrollmentd and check the body's signature against the seal_publisher keys it was
// given out of band (load_seal_publisher_public_keys of its own key folder). A key that does
// not verify is never used. The key can rotate on the server: a back-end fetches it again
// from time to time (the citizen simulator's --key-refresh-s) and keeps the last verified key
// while a fetch fails.
#include <chrono>
#include <cstddef>
#include <string>

#include "adapters/service_client/service_client.hpp"
#include "workflows/crypto/published_seal_key.hpp"

namespace enroll::client {

inline constexpr std::string_view kSealKeyPath = "/v1/keys/passcode";
// The signed body is a few hundred bytes; more is not an answer of enrollmentd.
inline constexpr std::size_t kSealKeyBodyLimit = 16 * 1024;
inline constexpr std::chrono::seconds kSealKeyTimeout{10};

struct FetchedSealKey {
  std::string key_id;  // as signed, e.g. "passcode_seal-2"
  crypto::SealPublicKey key;
  std::string signed_by;  // "seal_publisher-<n>"
};

// The key of an answer to GET /v1/keys/passcode. Throws Error(bad_signature) with a one-line
// reason: an answer other than 200 (its status and error code), a body that is not JSON, or
// one that does not verify against `trusted` (crypto::verify_published_seal_key's reasons).
FetchedSealKey seal_key_from_answer(const ServiceResponse& answer,
                                    const crypto::PublisherKeys& trusted);

// GETs the key from `api` (http[s]://host:port, `ca_file` for https with a certificate of
// one's own CA) within kSealKeyTimeout and at most kSealKeyBodyLimit bytes, and checks it.
// Throws Error(bad_url) for a bad URL, ServiceUnreachable, or seal_key_from_answer's errors.
FetchedSealKey fetch_seal_key(const std::string& api, const std::string& ca_file,
                              const crypto::PublisherKeys& trusted);

}  // namespace enroll::client
