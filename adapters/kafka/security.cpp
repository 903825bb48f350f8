#include "adapters/kafka/security.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "errors/errc.hpp"

namespace enroll::kafka {
namespace {

bool uses_sasl(const Security& s) {
  return s.protocol == "sasl_plaintext" || s.protocol == "sasl_ssl";
}
bool uses_tls(const Security& s) { return s.protocol == "ssl" || s.protocol == "sasl_ssl"; }

[[noreturn]] void refuse(const std::string& why) { throw Error(Errc::bad_setting, why); }

// A SCRAM user name as Kafka's ACLs name it (User:<name>): printable ASCII, no blank, no ','
// or '=' (SCRAM's own separators).
bool valid_username(std::string_view name) {
  return !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != ',' && c != '=';
  });
}

// The file's bytes, at most `max`; `secret`: refused if any user may read it (group access is
// left alone: Debian keeps keys 0640 root:ssl-cert). The password file and the TLS key are
// secrets; a CA or a certificate is not.
std::string read_file(const std::string& property, const std::string& path, std::size_t max,
                      bool secret) {
  const std::string named = property + " '" + path + "': ";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) refuse(named + std::strerror(errno));
  struct stat st {};
  std::string text;
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const int stat_errno = errno;
  if (stat_ok && S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) <= max &&
      !(secret && (st.st_mode & S_IRWXO) != 0)) {
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    text.resize(done);
  }
  ::close(fd);
  if (!stat_ok) refuse(named + std::strerror(stat_errno));
  if (!S_ISREG(st.st_mode)) refuse(named + "not a regular file");
  if (static_cast<std::size_t>(st.st_size) > max) {
    refuse(named + "larger than " + std::to_string(max) + " bytes");
  }
  if (secret && (st.st_mode & S_IRWXO) != 0) {
    refuse(named + "any user may read it: chmod o-rwx");
  }
  return text;
}

// The password: the file's first line, without its line end.
std::string read_password(const Security& s) {
  std::string text =
      read_file("sasl.password.file", s.sasl_password_file, kMaxPasswordFileBytes, true);
  text.resize(std::min(text.size(), text.find_first_of("\r\n")));
  const bool printable =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c != 0x7f; });
  const bool empty = text.empty();
  if (empty || !printable) {
    std::fill(text.begin(), text.end(), '\0');  // not kept where a dump could show it
    refuse("sasl.password.file '" + s.sasl_password_file +
           "': " + (empty ? "empty" : "holds a control character"));
  }
  return text;
}

}  // namespace

std::optional<std::string> security_refusal(const Security& s) {
  if (s.protocol != "plaintext" && s.protocol != "ssl" && !uses_sasl(s)) {
    return "security.protocol '" + s.protocol + "': not one of " + std::string(kProtocols);
  }
  const bool sasl_given =
      !s.sasl_mechanism.empty() || !s.sasl_username.empty() || !s.sasl_password_file.empty();
  if (!uses_sasl(s) && sasl_given) {
    return "sasl.* settings need security.protocol sasl_plaintext or sasl_ssl, not " + s.protocol;
  }
  if (uses_sasl(s)) {
    if (!s.sasl_mechanism.empty() && s.sasl_mechanism != "SCRAM-SHA-512" &&
        s.sasl_mechanism != "SCRAM-SHA-256") {
      return "sasl.mechanism '" + s.sasl_mechanism + "': not one of " +
             std::string(kSaslMechanisms);
    }
    if (s.sasl_username.empty()) return "security.protocol " + s.protocol + " needs sasl.username";
    if (!valid_username(s.sasl_username)) {
      return "sasl.username: 1..255 printable ASCII characters without blanks, ',' or '='";
    }
    if (s.sasl_password_file.empty()) {
      return "security.protocol " + s.protocol + " needs sasl.password.file";
    }
  }
  const bool tls_given = !s.ssl_ca_location.empty() || !s.ssl_certificate_location.empty() ||
                         !s.ssl_key_location.empty();
  if (!uses_tls(s) && tls_given) {
    return "ssl.* settings need security.protocol ssl or sasl_ssl, not " + s.protocol;
  }
  if (s.ssl_certificate_location.empty() != s.ssl_key_location.empty()) {
    return "ssl.certificate.location and ssl.key.location go together (mutual TLS)";
  }
  if (s.protocol == "ssl" && s.ssl_certificate_location.empty()) {
    // TLS without a client certificate nor SASL: the broker cannot tell who connects.
    return "security.protocol ssl needs ssl.certificate.location and ssl.key.location (mutual "
           "TLS); without a client certificate use sasl_ssl";
  }
  return std::nullopt;
}

Settings security_settings(const Security& s) {
  if (auto why = security_refusal(s)) refuse(*why);
  Settings out;
  if (s.protocol == "plaintext") return out;
  out["security.protocol"] = s.protocol;
  if (uses_sasl(s)) {
    out["sasl.mechanism"] = s.sasl_mechanism.empty() ? "SCRAM-SHA-512" : s.sasl_mechanism;
    out["sasl.username"] = s.sasl_username;
    out["sasl.password"] = read_password(s);
  }
  if (uses_tls(s)) {
    // Read here so that a missing or unreadable file is refused at start-up by name, not
    // reported later by librdkafka's first connection. The broker's name is always checked.
    out["ssl.endpoint.identification.algorithm"] = "https";
    constexpr std::size_t kMaxPem = 1 << 20;
    if (!s.ssl_ca_location.empty()) {
      (void)read_file("ssl.ca.location", s.ssl_ca_location, kMaxPem, false);
      out["ssl.ca.location"] = s.ssl_ca_location;
    }
    if (!s.ssl_certificate_location.empty()) {
      (void)read_file("ssl.certificate.location", s.ssl_certificate_location, kMaxPem, false);
      (void)read_file("ssl.key.location", s.ssl_key_location, kMaxPem, true);
      out["ssl.certificate.location"] = s.ssl_certificate_location;
      out["ssl.key.location"] = s.ssl_key_location;
    }
  }
  // librdkafka's own check (a build without SASL or SSL support refuses here, at start-up).
  try {
    rd_kafka_conf_destroy(make_conf(out));
  } catch (const KafkaError& e) {
    refuse(e.what());
  }
  return out;
}

Settings client_settings(const std::string& brokers, const Security& s) {
  Settings out = security_settings(s);
  out["bootstrap.servers"] = brokers;
  return out;
}

}  // namespace enroll::kafka
