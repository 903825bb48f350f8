// The Kafka client's security settings (adapters/kafka/security.*): the allow-list of
// protocols and mechanisms, the combinations refused, the password read from its file and
// never shown, the files checked before librdkafka sees them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/kafka/security.hpp"
#include "errors/errc.hpp"

namespace enroll::kafka {
namespace {

namespace fs = std::filesystem;

class KafkaSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kafka-security-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p.string();
  }

  Security sasl(const std::string& password_file) {
    Security s;
    s.protocol = "sasl_plaintext";
    s.sasl_username = "channel-app";
    s.sasl_password_file = password_file;
    return s;
  }

  // The message of the Error(bad_setting) that security_settings throws, or "" if none.
  static std::string refusal(const Security& s) {
    try {
      (void)security_settings(s);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::bad_setting);
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(KafkaSecurityTest, PlaintextAddsNothing) {
  EXPECT_TRUE(security_settings(Security{}).empty());
  const Settings c = client_settings("b1:9092,b2:9092", Security{});
  EXPECT_EQ(c, (Settings{{"bootstrap.servers", "b1:9092,b2:9092"}}));
}

TEST_F(KafkaSecurityTest, ScramReadsThePasswordFromItsFile) {
  const Settings k = security_settings(sasl(file("pw", "s3cret\n")));
  EXPECT_EQ(k.at("security.protocol"), "sasl_plaintext");
  EXPECT_EQ(k.at("sasl.mechanism"), "SCRAM-SHA-512");  // the default mechanism
  EXPECT_EQ(k.at("sasl.username"), "channel-app");
  EXPECT_EQ(k.at("sasl.password"), "s3cret");  // the first line, without its end
  Security sha256 = sasl(file("pw2", "other\r\nignored"));
  sha256.sasl_mechanism = "SCRAM-SHA-256";
  const Settings k2 = security_settings(sha256);
  EXPECT_EQ(k2.at("sasl.mechanism"), "SCRAM-SHA-256");
  EXPECT_EQ(k2.at("sasl.password"), "other");
}

TEST_F(KafkaSecurityTest, RefusesValuesOutsideTheAllowList) {
  Security s;
  s.protocol = "SASL_SSL ";
  EXPECT_EQ(refusal(s),
            "security.protocol 'SASL_SSL ': not one of plaintext, ssl, sasl_plaintext, sasl_ssl");
  s = sasl(file("pw", "x"));
  s.sasl_mechanism = "PLAIN";  // sends the password itself: not allowed
  EXPECT_EQ(refusal(s), "sasl.mechanism 'PLAIN': not one of SCRAM-SHA-512, SCRAM-SHA-256");
  s = sasl(file("pw", "x"));
  s.sasl_username = "a,b";
  EXPECT_EQ(refusal(s),
            "sasl.username: 1..255 printable ASCII characters without blanks, ',' or '='");
}

TEST_F(KafkaSecurityTest, RefusesCombinationsThatCannotWork) {
  Security s;
  s.sasl_username = "channel-app";
  EXPECT_EQ(security_refusal(s),
            "sasl.* settings need security.protocol sasl_plaintext or sasl_ssl, not plaintext");
  s = Security{};
  s.protocol = "sasl_ssl";
  EXPECT_EQ(security_refusal(s), "security.protocol sasl_ssl needs sasl.username");
  s.sasl_username = "channel-app";
  EXPECT_EQ(security_refusal(s), "security.protocol sasl_ssl needs sasl.password.file");
  s = sasl("/pw");
  s.ssl_ca_location = "/ca.pem";
  EXPECT_EQ(security_refusal(s),
            "ssl.* settings need security.protocol ssl or sasl_ssl, not sasl_plaintext");
  s = Security{};
  s.protocol = "ssl";
  EXPECT_EQ(security_refusal(s),
            "security.protocol ssl needs ssl.certificate.location and ssl.key.location (mutual "
            "TLS); without a client certificate use sasl_ssl");
  s.ssl_certificate_location = "/cert.pem";
  EXPECT_EQ(security_refusal(s),
            "ssl.certificate.location and ssl.key.location go together (mutual TLS)");
}

TEST_F(KafkaSecurityTest, RefusesAPasswordFileAnyoneMayReadOrAnEmptyOne) {
  const std::string open = file("open", "s3cret\n", 0644);
  const std::string why = refusal(sasl(open));
  EXPECT_EQ(why, "sasl.password.file '" + open + "': any user may read it: chmod o-rwx");
  EXPECT_EQ(why.find("s3cret"), std::string::npos);
  EXPECT_NO_THROW((void)security_settings(sasl(file("group", "s3cret\n", 0640))));
  const std::string empty = file("empty", "\n");
  EXPECT_EQ(refusal(sasl(empty)), "sasl.password.file '" + empty + "': empty");
  const std::string control = file("control", std::string("s3c\0ret", 7));
  const std::string why2 = refusal(sasl(control));
  EXPECT_EQ(why2, "sasl.password.file '" + control + "': holds a control character");
  EXPECT_EQ(why2.find("s3c"), std::string::npos);
  const std::string big = file("big", std::string(kMaxPasswordFileBytes + 1, 'x'));
  EXPECT_EQ(refusal(sasl(big)), "sasl.password.file '" + big + "': larger than 1024 bytes");
  EXPECT_EQ(refusal(sasl(dir_.string())),
            "sasl.password.file '" + dir_.string() + "': not a regular file");
  EXPECT_EQ(refusal(sasl((dir_ / "none").string())),
            "sasl.password.file '" + (dir_ / "none").string() + "': No such file or directory");
}

TEST_F(KafkaSecurityTest, MutualTlsChecksItsFilesAndTheBrokersName) {
  Security s;
  s.protocol = "sasl_ssl";
  s.sasl_username = "enrollmentd";
  s.sasl_password_file = file("pw", "s3cret");
  s.ssl_ca_location = file("ca.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
  s.ssl_certificate_location = file("client.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
  s.ssl_key_location = file("client.key", "-----BEGIN PRIVATE KEY-----\n", 0644);
  EXPECT_EQ(refusal(s),
            "ssl.key.location '" + s.ssl_key_location + "': any user may read it: chmod o-rwx");
  ::chmod(s.ssl_key_location.c_str(), 0600);
  const Settings k = security_settings(s);
  EXPECT_EQ(k.at("security.protocol"), "sasl_ssl");
  EXPECT_EQ(k.at("ssl.ca.location"), s.ssl_ca_location);
  EXPECT_EQ(k.at("ssl.certificate.location"), s.ssl_certificate_location);
  EXPECT_EQ(k.at("ssl.key.location"), s.ssl_key_location);
  EXPECT_EQ(k.at("ssl.endpoint.identification.algorithm"), "https");
  s.ssl_ca_location = (dir_ / "no-ca.pem").string();
  EXPECT_EQ(refusal(s), "ssl.ca.location '" + s.ssl_ca_location + "': No such file or directory");
}

}  // namespace
}  // namespace enroll::kafka
