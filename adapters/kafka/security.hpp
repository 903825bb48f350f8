#pragma once
// How a client of this tree authenticates to a production cluster: SASL/SCRAM, mutual TLS, or
// both (SASL_SSL). One place for every client (enrollmentd, the simulators, the bench, the
// tests): the settings are an allow-list of librdkafka properties and values, checked here
// together, and the SASL password is read from a file (never a flag: ps would show it).
#include <optional>
#include <string>
#include <string_view>

#include "adapters/kafka/config.hpp"

namespace enroll::kafka {

// The password file is tiny; a read refuses to slurp anything else.
inline constexpr std::size_t kMaxPasswordFileBytes = 1024;

struct Security {
  std::string protocol = "plaintext";  // security.protocol: plaintext|ssl|sasl_plaintext|sasl_ssl
  std::string sasl_mechanism;          // SCRAM-SHA-512 (default with SASL) or SCRAM-SHA-256
  std::string sasl_username;
  std::string sasl_password_file;        // the password, one line; not world-readable
  std::string ssl_ca_location;           // PEM; empty: the system's CAs
  std::string ssl_certificate_location;  // PEM client certificate (mutual TLS), with the key
  std::string ssl_key_location;          // PEM private key, unencrypted; not world-readable
};

// The allowed values (what --help shows).
inline constexpr std::string_view kProtocols = "plaintext, ssl, sasl_plaintext, sasl_ssl";
inline constexpr std::string_view kSaslMechanisms = "SCRAM-SHA-512, SCRAM-SHA-256";

// Why these settings cannot work together (one line naming the setting, as its librdkafka
// property), or nullopt. No I/O: usable where the command line is checked.
[[nodiscard]] std::optional<std::string> security_refusal(const Security& s);

// The librdkafka properties of `s` (nothing for plaintext), the password read from its file.
// Throws Error(bad_setting) with security_refusal's line, or naming a file that cannot be
// read (missing, not a regular file, too large, world-readable for the password and the key,
// an empty password); the password itself never appears in a message.
[[nodiscard]] Settings security_settings(const Security& s);

// bootstrap.servers and the security settings: what every client of the cluster starts from.
// Throws as security_settings.
[[nodiscard]] Settings client_settings(const std::string& brokers, const Security& s);

}  // namespace enroll::kafka
