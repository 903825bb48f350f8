#pragma once
// A channel back-end's check of enrollmentd's answer to GET /v1/keys/passcode (issue 15): the
// body's signature against the seal_publisher keys it was given out of band. The fetch itself
// is published_seal_key_fetch.hpp's.
#include <string>
#include <string_view>

#include "adapters/service_client/answer/service_response.hpp"
#include "workflows/crypto/published_seal_key.hpp"

namespace enroll::client {

// How every refusal begins (crypto::verify_published_seal_key's too), also the fetch's.
inline constexpr std::string_view kSealKeyWhat = "the published passcode sealing key: ";

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

}  // namespace enroll::client
