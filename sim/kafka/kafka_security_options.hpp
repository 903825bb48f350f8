#pragma once
// The Kafka security options of the programs beside enrollmentd (the simulators, the bench):
// the same settings as enrollmentd's kafka_* (adapters/kafka/security.hpp), from the same
// ENROLL_KAFKA_* variables, so one environment serves them all. The password only ever comes
// from a file.
#include <CLI/CLI.hpp>

#include "adapters/kafka/security.hpp"

namespace enroll::app {

inline void add_kafka_security_options(CLI::App& app, kafka::Security& s) {
  const auto add = [&app](const char* flag, std::string& field, const char* env, const char* help) {
    app.add_option(flag, field, help)->envname(env)->group("Kafka security");
  };
  add("--kafka-security-protocol", s.protocol, "ENROLL_KAFKA_SECURITY_PROTOCOL",
      "plaintext (default), ssl, sasl_plaintext or sasl_ssl");
  add("--kafka-sasl-mechanism", s.sasl_mechanism, "ENROLL_KAFKA_SASL_MECHANISM",
      "SCRAM-SHA-512 (default) or SCRAM-SHA-256");
  add("--kafka-sasl-username", s.sasl_username, "ENROLL_KAFKA_SASL_USERNAME", "SASL user");
  add("--kafka-sasl-password-file", s.sasl_password_file, "ENROLL_KAFKA_SASL_PASSWORD_FILE",
      "file holding the SASL password");
  add("--kafka-ssl-ca-location", s.ssl_ca_location, "ENROLL_KAFKA_SSL_CA_LOCATION",
      "PEM file of the brokers' CAs");
  add("--kafka-ssl-certificate-location", s.ssl_certificate_location,
      "ENROLL_KAFKA_SSL_CERTIFICATE_LOCATION", "PEM client certificate (mutual TLS)");
  add("--kafka-ssl-key-location", s.ssl_key_location, "ENROLL_KAFKA_SSL_KEY_LOCATION",
      "PEM private key of the client certificate");
}

}  // namespace enroll::app
