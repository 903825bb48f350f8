#pragma once
// Turns an enroll.inbox message into a typed Inbound, or says why it is bad input (for the
// dead-letter topic). Every bound of limits.hpp is checked before any recursive code runs.
// Every message must be signed by a principal of the trust file (issue 13): after the envelope
// check, the Verifier's refusal (unsigned, unknown_key, ...) is the dead letter's code, and
// its answer fills Inbound::principal.
// Owner: one pipeline thread (the validators are not thread-safe).
#include <string_view>
#include <variant>

#include "adapters/codec/decode_error.hpp"
#include "adapters/codec/schema_set.hpp"
#include "adapters/trust/verifier.hpp"
#include "workflows/commands.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll::codec {

class InboundDecoder {
 public:
  // `passcode_keys`: every version of the sealing key, the current first (views: what they
  // view must outlive the decoder).
  InboundDecoder(const SchemaSet& schemas, crypto::SealKeys passcode_keys,
                 const trust::Verifier& verifier);
  // One key pair (tests and tools), which must outlive the decoder.
  InboundDecoder(const SchemaSet& schemas, const crypto::SealKeyPair& passcode_keys,
                 const trust::Verifier& verifier)
      : InboundDecoder(schemas, crypto::seal_keys_of(passcode_keys), verifier) {}
  // `broker_time`: the record's append time (InboxRecord::now), the clock the signature's
  // key validity and the event's freshness are judged at.
  [[nodiscard]] std::variant<Inbound, DecodeError> decode(std::string_view payload,
                                                          std::string_view key,
                                                          Timestamp broker_time) const;

 private:
  const SchemaSet& schemas_;
  crypto::SealKeys passcode_keys_;
  const trust::Verifier& verifier_;
  const rapidjson::SchemaDocument* envelope_;
};

}  // namespace enroll::codec
