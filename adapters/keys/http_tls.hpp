#pragma once
// The HTTP API's TLS certificate and key in the key folder: <keys>/http/tls.crt (PEM chain,
// leaf first; a public file) and <keys>/http/tls.key (PEM private key, mode 0600). Both
// present: enrollmentd serves HTTPS; neither: plain HTTP, on a loopback address only.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "workflows/secret.hpp"

namespace enroll {

struct HttpTlsFiles {
  std::string certificate_chain_pem;
  SecretString private_key_pem;
};

[[nodiscard]] std::filesystem::path http_tls_certificate(const std::filesystem::path& keys);
[[nodiscard]] std::filesystem::path http_tls_key(const std::filesystem::path& keys);

// Both files, or nullopt if neither exists. Throws KeysError (one line naming the file) if
// only one exists, or one fails read_key_file's checks (link, owner, mode, size).
std::optional<HttpTlsFiles> load_http_tls(const std::filesystem::path& keys);

// Writes a self-signed certificate (ECDSA P-256, SHA-256, valid `days` days, the names as
// subjectAltNames: an IP address or a DNS name each; the first is also the CN) and its key,
// for a demo or a test: a deployment's comes from its CA. Throws KeysError, before writing,
// if either file exists, or for a name that is neither.
void make_self_signed_http_tls(const std::filesystem::path& keys,
                               const std::vector<std::string>& names, int days = 365);

}  // namespace enroll
