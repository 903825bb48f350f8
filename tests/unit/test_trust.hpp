#pragma once
// The unit tests' key folder, in memory: the default principals (enroll-keygen's) with one
// key each, valid from 1970; their signers (the clock at kSignedAt unless the event has a
// time) and enrollmentd's verifier. Messages to the inbox are signed like the real ones.
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "adapters/codec/known_tasks.hpp"
#include "adapters/trust/signers.hpp"

namespace enroll::testing {

inline const Timestamp kSignedAt = from_millis(1'700'000'000'000);

inline const trust::NewTrust& test_trust() {
  static const trust::NewTrust t =
      trust::new_trust(trust::default_principals(codec::known_tasks()), Timestamp{});
  return t;
}
inline const trust::Verifier& test_verifier() {
  static const trust::Verifier v = trust::verifier_of(test_trust());
  return v;
}
inline const trust::Signers& test_signers() {
  static const trust::Signers s = trust::Signers::of(test_trust(), [] { return kSignedAt; });
  return s;
}
inline const trust::Signer& test_signer(const char* principal) {
  return test_signers().get(PrincipalName(principal));
}

// `raw` signed by `signer` with its bytes otherwise kept (duplicates, number forms, escapes
// stay for the decoder to judge), for tests that write bytes a builder would not: when
// nlohmann reads it as an object with a time, a signature it has is replaced, or keyid and
// signature go in front of its members; else (no time: the signer adds one) the signed
// object as nlohmann writes it. Bytes nlohmann cannot read, or without a canonical form, are
// returned as they are (the decoder refuses them before the signature).
inline std::string signed_text(std::string_view raw, const trust::Signer& signer) {
  nlohmann::json e = nlohmann::json::parse(raw, nullptr, false);
  if (!e.is_object()) return std::string(raw);
  const bool had_time = e.contains("time");
  const auto* old = e.contains(trust::kSignatureAttribute) &&
                            e[trust::kSignatureAttribute].is_string() &&
                            e.contains(trust::kKeyIdAttribute)
                        ? e[trust::kSignatureAttribute].get_ptr<const std::string*>()
                        : nullptr;
  const std::string old_signature = old != nullptr ? *old : "";
  const nlohmann::json old_key = e.value(trust::kKeyIdAttribute, nlohmann::json());
  e.erase(trust::kSignatureAttribute);
  try {
    signer.sign(e);
  } catch (const std::exception&) {
    return std::string(raw);
  }
  std::string out(raw);
  if (!old_signature.empty() && old_key == e[trust::kKeyIdAttribute]) {
    const auto at = out.find(old_signature);
    if (at != std::string::npos) {
      return out.replace(at, old_signature.size(), e[trust::kSignatureAttribute]);
    }
  }
  if (!had_time || old != nullptr || raw.find(trust::kKeyIdAttribute) != std::string_view::npos) {
    return e.dump();
  }
  const auto brace = out.find('{');
  return out.insert(brace + 1, "\"keyid\":" + e[trust::kKeyIdAttribute].dump() +
                                   ",\"signature\":" + e[trust::kSignatureAttribute].dump() + ",");
}

}  // namespace enroll::testing
