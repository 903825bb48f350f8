// A channel back-end's check of GET /v1/keys/passcode (adapters/service_client/answer/
// seal_key_answer.hpp) on hostile bytes as the answer's body: it either refuses with
// Error(bad_signature) or returns a key whose statement the trusted publisher key it names
// signed (checked here again, independently of the code under test).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/service_client/answer/seal_key_answer.hpp"
#include "errors/errc.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/seal_key_answer_key.hpp"
#include "workflows/crypto/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll;
  const auto& trusted = fuzz::seal_key_answer_key().trusted;
  client::ServiceResponse answer;
  answer.status = 200;
  answer.body.assign(reinterpret_cast<const char*>(data), size);  // NOLINT
  client::FetchedSealKey got;
  try {
    got = client::seal_key_from_answer(answer, trusted);
  } catch (const Error& e) {
    if (e.code() != Errc::bad_signature) fuzz::fail("refused with another code");
    return 0;
  }
  const auto publisher = trusted.find(got.signed_by);
  if (publisher == trusted.end()) fuzz::fail("accepted a key signed by an unknown publisher");
  const auto body = nlohmann::json::parse(answer.body);
  const auto signature = crypto::from_base64(body.at("signature").get<std::string>());
  const auto statement = crypto::seal_key_statement(got.key_id, got.key);
  if (!signature || signature->size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(signature->data(), statement.data(), statement.size(),
                                  publisher->second.data()) != 0) {
    fuzz::fail("accepted a key whose signature does not verify");
  }
  return 0;
}
