#pragma once
// A producer that speaks for several principals (a simulator of many channels or connectors,
// a test): their Signers by name, and the channel's back-end for a channel.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "adapters/trust/provisioning.hpp"
#include "adapters/trust/signer.hpp"
#include "adapters/trust/verifier.hpp"

namespace enroll::trust {

class Signers {
 public:
  // Every principal of key_dir's trust file with a signing key there that is not revoked.
  // Throws TrustFileError, KeysError.
  static Signers load(const std::filesystem::path& key_dir, const Clock& clock = system_now);
  // Every principal of an in-memory trust (tests, fuzzing, benchmarks).
  static Signers of(const NewTrust& fresh, const Clock& clock = system_now);

  // Throws Error(bad_key) when `principal` has no signer here.
  [[nodiscard]] const Signer& get(const PrincipalName& principal) const;
  [[nodiscard]] const Signer& for_channel(std::string_view channel) const {
    return get(channel_principal(channel));
  }
  [[nodiscard]] const Signer& for_connector(std::string_view connector) const {
    return get(connector_principal(connector));
  }

 private:
  std::map<std::string, Signer, std::less<>> by_name_;
};

// enrollmentd's Verifier of an in-memory trust (tests, fuzzing, benchmarks).
[[nodiscard]] Verifier verifier_of(const NewTrust& fresh,
                                   std::chrono::milliseconds window = kDefaultTimeWindow);

}  // namespace enroll::trust
