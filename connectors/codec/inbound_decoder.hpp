#pragma once
// Turns an enroll.inbox message into a typed Inbound, or says why it is bad input (for the
// dead-letter topic). Owner: one pipeline thread (the validators are not thread-safe).
#include <string>
#include <string_view>
#include <variant>

#include "connectors/codec/schema_set.hpp"
#include "workflows/commands.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll::codec {

struct DecodeError {
  std::string code;  // not_json, not_cloudevent, unknown_type, invalid_data, key_mismatch
  std::string message;
};

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
