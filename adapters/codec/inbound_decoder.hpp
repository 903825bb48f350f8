#pragma once
// Turns an enroll.inbox message into a typed Inbound, or says why it is bad input (for the
// dead-letter topic). Every bound of limits.hpp is checked before any recursive code runs.
// Owner: one pipeline thread (the validators are not thread-safe).
#include <string_view>
#include <variant>

#include "adapters/codec/decode_error.hpp"
#include "adapters/codec/schema_set.hpp"
#include "workflows/commands.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll::codec {

class InboundDecoder {
 public:
  InboundDecoder(const SchemaSet& schemas, const crypto::SealKeyPair& passcode_keys);
  [[nodiscard]] std::variant<Inbound, DecodeError> decode(std::string_view payload,
                                                          std::string_view key) const;

 private:
  const SchemaSet& schemas_;
  const crypto::SealKeyPair& passcode_keys_;
  const rapidjson::SchemaDocument* envelope_;
};

}  // namespace enroll::codec
