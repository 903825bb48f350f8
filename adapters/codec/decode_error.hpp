#pragma once
// Why an enroll.inbox message is bad input: the dead letter's error code and message.
#include <string>

#include "errors/errc.hpp"

namespace enroll::codec {

struct DecodeError {
  // A codec or engine code of errors/errc.hpp: too_large, missing_key, not_json, too_deep,
  // invalid_data, not_cloudevent, unknown_type, key_mismatch, ... (README.md, "Bad input").
  Errc code = Errc::undecodable;
  std::string message;
};

}  // namespace enroll::codec
