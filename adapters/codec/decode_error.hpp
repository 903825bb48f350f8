#pragma once
// Why an enroll.inbox message is bad input: the dead letter's error code and message.
#include <string>

namespace enroll::codec {

struct DecodeError {
  // too_large, missing_key, not_json, too_deep, invalid_data, not_cloudevent, unknown_type,
  // key_mismatch (README.md, "Bad input and dead letters").
  std::string code;
  std::string message;
};

}  // namespace enroll::codec
