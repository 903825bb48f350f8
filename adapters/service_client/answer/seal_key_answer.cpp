#include "adapters/service_client/answer/seal_key_answer.hpp"

#include <nlohmann/json.hpp>

#include "errors/errc.hpp"

namespace enroll::client {
namespace {

// One line: an error body may hold anything.
std::string one_line(std::string text) {
  for (auto& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

}  // namespace

FetchedSealKey seal_key_from_answer(const ServiceResponse& answer,
                                    const crypto::PublisherKeys& trusted) {
  const std::string what(kSealKeyWhat);
  if (answer.status != 200) {
    throw Error(Errc::bad_signature,
                what + "enrollmentd answered " + one_line(answer.error_text()));
  }
  const auto body = nlohmann::json::parse(answer.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    throw Error(Errc::bad_signature, what + "the answer is not a JSON object");
  }
  const auto key = crypto::verify_published_seal_key(body, trusted);
  // Both strings were checked (present, bounded) by the verification.
  return {body["key_id"].get<std::string>(), key, body["signed_by"].get<std::string>()};
}

}  // namespace enroll::client
