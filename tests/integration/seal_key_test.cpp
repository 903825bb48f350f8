// A channel back-end (enroll-sim-citizens) gets the passcode sealing key as issue 15 asks:
// GET /v1/keys/passcode from enrollmentd, checked against the seal_publisher .pub files of its
// own key folder. Against the real enrollmentd its registrations are issued (enrollmentd
// opens what it sealed); against a server of the test's that answers a key signed by a
// publisher it was not given, a key swapped after signing, an unsigned key, a body that is not
// JSON or is too large, an HTTP error, or nothing at all, it stops before it sends anything,
// exit 1, with one line naming the reason. Over HTTPS it needs the CA file of the API's
// certificate.
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "adapters/keys/http_tls.hpp"
#include "adapters/keys/seal_publisher.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/published_seal_key.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// A stand-in for enrollmentd's API on 127.0.0.1 (a man in the middle, or a broken server):
// answers the requests with the answers it was given, in turn, the last one over and over.
class FakeApi {
 public:
  FakeApi() : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeApi() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket wake(ioc_);  // unblocks accept()
    wake.connect({net::ip::make_address("127.0.0.1"), port()}, ec);
    thread_.join();
  }
  FakeApi(const FakeApi&) = delete;
  FakeApi& operator=(const FakeApi&) = delete;

  struct Answer {
    int status;
    std::string body;
  };
  void answer(int status, std::string body) { answers({{status, std::move(body)}}); }
  void answers(std::vector<Answer> in_turn) {
    const std::lock_guard lock(mutex_);
    answers_ = std::move(in_turn);
    next_ = 0;
  }
  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  [[nodiscard]] int requests() const { return requests_; }

 private:
  void serve() {
    while (!stopping_) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      boost::beast::flat_buffer buffer;
      bhttp::request<bhttp::string_body> req;
      bhttp::read(socket, buffer, req, ec);
      if (ec) continue;
      ++requests_;
      bhttp::response<bhttp::string_body> res;
      {
        const std::lock_guard lock(mutex_);
        const auto& a = answers_.at(std::min(next_++, answers_.size() - 1));
        res.result(static_cast<unsigned>(a.status));
        res.body() = a.body;
      }
      res.set(bhttp::field::content_type, "application/json");
      res.keep_alive(false);
      res.prepare_payload();
      bhttp::write(socket, res, ec);
      socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::vector<Answer> answers_{{503, "{}"}};
  std::size_t next_ = 0;
};

// How every refusal of the fetched key begins (then the reason).
constexpr std::string_view kRefusal = "enroll-sim-citizens: the published passcode sealing key: ";

class SealKeyTest : public OrchestratorTest {
 protected:
  // A publisher key the simulators' folder does not trust, and a sealing key of no server.
  struct Stranger {
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> publisher_secret{};
    crypto::SealPublicKey seal_key{};
  };
  static Stranger make_stranger() {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
    Stranger s;
    crypto::PublisherKey pub{};
    crypto_sign_keypair(pub.data(), s.publisher_secret.data());
    randombytes_buf(s.seal_key.bytes.data(), s.seal_key.bytes.size());
    return s;
  }
  // enroll-sim-citizens against `api`; its exit status, stdout in `out`, stderr in `err`.
  int citizens(const std::string& api, const std::string& run_id, int count,
               const std::vector<std::string>& extra, std::string& out, std::string& err) {
    std::vector<std::string> argv{SIM_CITIZENS_BIN,
                                  "--brokers",
                                  services_.brokers(),
                                  "--topic-prefix",
                                  topics_.prefix,
                                  "--keys",
                                  (work_ / "keys").string(),
                                  "--api",
                                  api,
                                  "--run-id",
                                  run_id,
                                  "--count",
                                  std::to_string(count),
                                  "--json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (std::find(extra.begin(), extra.end(), "--timeout-s") == extra.end()) {
      for (const char* arg : {"--timeout-s", "120"}) argv.emplace_back(arg);
    }
    const auto out_file = work_ / (run_id + ".out");
    const auto err_file = work_ / (run_id + ".err");
    ChildProcess sim(ChildProcess::Options{argv, out_file, {}, false, err_file});
    const auto status = sim.wait_exit(150s);
    out = sim.log();
    std::ifstream in(err_file);
    err.assign(std::istreambuf_iterator<char>(in), {});
    return status.value_or(-1);
  }
};

TEST_F(SealKeyTest, SealsToTheVerifiedPublishedKeyAndRegistrationsAreIssued) {
  const std::string api = "http://127.0.0.1:" + std::to_string(http_port());
  std::string out;
  std::string err;
  // Fetched again every second: the same key, kept.
  const int status =
      citizens(api, "fetched", 6,
               {"--mix", "self-service=2,passcode-reset=1", "--key-refresh-s", "1"}, out, err);
  ASSERT_EQ(status, 0) << out << err;
  EXPECT_NE(err.find("sealing passcodes to passcode_seal"), std::string::npos) << err;
  EXPECT_NE(err.find("(signed by seal_publisher-1)"), std::string::npos) << err;
  EXPECT_EQ(err.find("kept "), std::string::npos) << err;  // no re-fetch failed
  const auto summary = json::parse(out);
  EXPECT_EQ(summary.at("outcomes").value("issued", 0), 6) << summary.dump(2);
}

TEST_F(SealKeyTest, AKeyThatDoesNotVerifyStopsTheSimulatorBeforeItSendsAnything) {
  // The genuine body, for the swap.
  const auto genuine = http_get(http_port(), "/v1/keys/passcode");
  ASSERT_EQ(genuine.status, 200) << genuine.body;
  const Stranger stranger = make_stranger();
  const auto& foreign_secret = stranger.publisher_secret;
  const crypto::SealPublicKey& mallory = stranger.seal_key;

  auto swapped = genuine.json();
  swapped["public_key"] = crypto::to_base64(mallory.bytes);
  const json unsigned_key = {{"algorithm", crypto::kSealKeyAlgorithm},
                             {"public_key", crypto::to_base64(mallory.bytes)}};
  struct Case {
    std::string name;
    int status;
    std::string body;
    std::string reason;  // in the one line of the refusal
  };
  const std::vector<Case> cases{
      {"foreign-signer", 200,
       crypto::publish_seal_key("passcode_seal-1", mallory, "seal_publisher-1", foreign_secret)
           .dump(),
       "the signature of 'seal_publisher-1' does not verify"},
      {"unknown-signer", 200,
       crypto::publish_seal_key("passcode_seal-1", mallory, "seal_publisher-7", foreign_secret)
           .dump(),
       "signed by 'seal_publisher-7', not a publisher key given to us"},
      {"swapped", 200, swapped.dump(), "does not verify"},
      {"unsigned", 200, unsigned_key.dump(), "an unsigned key is refused"},
      {"not-json", 200, "<html>hello</html>", "not a JSON object"},
      {"oversized", 200, json{{"pad", std::string(64 * 1024, 'x')}}.dump(), "too large"},
      {"http-error", 503, R"({"error":{"code":"not_ready","message":"starting"}})",
       "enrollmentd answered 503 not_ready: starting"},
  };
  std::vector<std::string> run_ids;
  {
    FakeApi fake;
    const std::string api = "http://127.0.0.1:" + std::to_string(fake.port());
    for (const auto& c : cases) {
      SCOPED_TRACE(c.name);
      fake.answer(c.status, c.body);
      const int before = fake.requests();
      std::string out;
      std::string err;
      run_ids.push_back("forged-" + c.name);
      EXPECT_EQ(citizens(api, run_ids.back(), 3, {}, out, err), 1) << out << err;
      EXPECT_EQ(fake.requests(), before + 1);
      EXPECT_EQ(err.rfind(kRefusal, 0), 0u) << err;  // says what was refused
      EXPECT_NE(err.find(c.reason), std::string::npos) << err;
      EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    }
  }
  {
    // Nothing listens there any more.
    SCOPED_TRACE("unreachable");
    net::io_context ioc;
    tcp::acceptor closed(ioc, {net::ip::make_address("127.0.0.1"), 0});
    const auto port = closed.local_endpoint().port();
    closed.close();
    std::string out;
    std::string err;
    run_ids.push_back("forged-unreachable");
    EXPECT_EQ(citizens("http://127.0.0.1:" + std::to_string(port), run_ids.back(), 3, {}, out, err),
              1)
        << out << err;
    EXPECT_EQ(err.rfind(kRefusal, 0), 0u) << err;
    EXPECT_NE(err.find("cannot connect"), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
  // Not one command of those runs reached the inbox.
  TopicReader inbox(services_.brokers(), topics_.inbox());
  inbox.read_to_end();
  for (const auto& m : inbox.messages()) {
    for (const auto& id : run_ids) EXPECT_NE(m.key.rfind(id, 0), 0u) << m.key;
  }
}

// Fetched again every --key-refresh-s (one registration at a time: the runs outlast a
// refresh; the fake API counts the fetches): a key that then fails to verify is not taken (the last
// verified one stays, the run goes on and is issued); a new key that verifies is sealed to
// from then on (a rotation).
TEST_F(SealKeyTest, FetchesAgainKeepsTheLastVerifiedKeyAndTakesARotatedOne) {
  const auto genuine = http_get(http_port(), "/v1/keys/passcode");
  ASSERT_EQ(genuine.status, 200) << genuine.body;
  const Stranger stranger = make_stranger();
  const auto& foreign_secret = stranger.publisher_secret;
  const crypto::SealPublicKey& other = stranger.seal_key;
  FakeApi fake;
  const std::string api = "http://127.0.0.1:" + std::to_string(fake.port());
  std::string out;
  std::string err;
  {
    SCOPED_TRACE("a forged key at the re-fetch");
    fake.answers({{200, genuine.body},
                  {200, crypto::publish_seal_key("passcode_seal-2", other, "seal_publisher-1",
                                                 foreign_secret)
                            .dump()}});
    ASSERT_EQ(citizens(api, "refetch-forged", 8, {"--key-refresh-s", "1", "--concurrency", "1"},
                       out, err),
              0)
        << out << err;
    EXPECT_EQ(json::parse(out).at("outcomes").value("issued", 0), 8) << out;
    EXPECT_GE(fake.requests(), 2);
    EXPECT_NE(err.find("kept " + genuine.json().at("key_id").get<std::string>() +
                       ": the published passcode sealing key: the signature of "
                       "'seal_publisher-1' does not verify"),
              std::string::npos)
        << err;
    EXPECT_EQ(err.find("the sealing key changed"), std::string::npos) << err;
  }
  {
    SCOPED_TRACE("a rotated key, signed by the publisher");
    const Keyring publisher = load_seal_publisher(work_ / "keys");
    fake.answers({{200, genuine.body},
                  {200, crypto::publish_seal_key("passcode_seal-2", other, publisher.current().id,
                                                 publisher.current().secret.view())
                            .dump()}});
    // One at a time, so that the run outlasts a refresh. enrollmentd does not hold that key: the
    // journeys after the switch cannot finish; the switch is the point.
    citizens(
        api, "refetch-rotated", 20,
        {"--key-refresh-s", "1", "--concurrency", "1", "--timeout-s", "4", "--min-issued", "0"},
        out, err);
    EXPECT_NE(err.find("the sealing key changed: " +
                       genuine.json().at("key_id").get<std::string>() + " -> passcode_seal-2"),
              std::string::npos)
        << err;
  }
}

// Over HTTPS (http/tls.* in enrollmentd's key folder, self-signed): with the certificate as
// --ca-file the key is fetched and a registration issued; without it, the system's CAs do not
// know the certificate and nothing is sent.
class SealKeyHttpsTest : public SealKeyTest {
 protected:
  void adjust_keys(const std::filesystem::path& keys) override {
    make_self_signed_http_tls(keys, {"127.0.0.1", "localhost"});
  }
};

TEST_F(SealKeyHttpsTest, FetchesOverTlsWithTheCaFileOnly) {
  const std::string api = "https://localhost:" + std::to_string(http_port());
  const std::string ca = (work_ / "keys" / "http" / "tls.crt").string();
  std::string out;
  std::string err;
  ASSERT_EQ(citizens(api, "tls", 1, {"--ca-file", ca}, out, err), 0) << out << err;
  EXPECT_EQ(json::parse(out).at("outcomes").value("issued", 0), 1) << out;

  EXPECT_EQ(citizens(api, "tls-no-ca", 1, {}, out, err), 1) << out << err;
  EXPECT_EQ(err.rfind(kRefusal, 0), 0u) << err;
  EXPECT_NE(err.find("TLS handshake"), std::string::npos) << err;
  TopicReader inbox(services_.brokers(), topics_.inbox());
  inbox.read_to_end();
  for (const auto& m : inbox.messages()) EXPECT_NE(m.key.rfind("tls-no-ca", 0), 0u) << m.key;
}

}  // namespace
}  // namespace enroll::test
