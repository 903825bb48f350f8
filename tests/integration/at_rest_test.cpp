// Personal data at rest (issue 15): after a batch over every channel, what Redis keeps on disk
// (its dump, saved without compression, and its append-only file, which holds every write ever
// made, outbox entries included) holds no citizen's ID, name, date of birth or laser code in the
// clear. The test brings its own Redis, so that nothing another test wrote in the clear is there.
#include <signal.h>

#include <fstream>
#include <iterator>

#include "adapters/keys/keyring.hpp"
#include "adapters/redis/client.hpp"
#include "adapters/redis/connect.hpp"
#include "sim/population.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/integration/private_redis.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/state.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class AtRestTest : public OrchestratorTest {
 protected:
  void SetUp() override {
    // No compression: a value in the clear would be in the files as it is.
    redis_server_ = std::make_unique<PrivateRedis>(
        "redis-at-rest", "appendonly yes\nappendfsync always\nsave \"\"\nrdbcompression no\n");
    OrchestratorTest::SetUp();
  }
  void TearDown() override {
    OrchestratorTest::TearDown();
    redis_server_.reset();
  }
  std::string redis_url() override { return redis_server_->url(); }

  // The dump and every file of the AOF, one after the other.
  std::string files_on_disk() {
    redis::Client admin(redis::parse_redis_url(redis_url()));
    admin.command({"SAVE"});
    std::string all;
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(redis_server_->dir())) {
      const auto name = e.path().filename().string();
      if (!e.is_regular_file() || (name != "dump.rdb" && name.find(".aof") == std::string::npos)) {
        continue;
      }
      std::ifstream in(e.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), {});
      ++files;
    }
    EXPECT_GE(files, 2u) << "the dump and the AOF";
    return all;
  }

  std::unique_ptr<PrivateRedis> redis_server_;
};

TEST_F(AtRestTest, ARedisDumpAndAofHoldNoCitizensDataInTheClear) {
  const std::vector<std::string> channels{"self-service", "officer-assisted", "kiosk",
                                          "passcode-reset"};
  std::vector<sim::SyntheticCitizen> citizens;
  std::vector<std::string> all_ids;
  std::uint64_t n = 8100;
  for (const auto& channel : channels) {
    sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", channel);
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i, ++n) {
      ids.push_back(unique_name("at-rest"));
      citizens.push_back(sim::citizen(n));
      const auto start = driver.start(ids.back(), n, channel, sim::Persona::none);
      send(start.key, start.value);
    }
    drive(driver, ids, 120s);
    EXPECT_EQ(issued(driver, ids), ids.size()) << channel << ": " << unfinished(driver, ids);
    all_ids.insert(all_ids.end(), ids.begin(), ids.end());
  }
  wait_until_caught_up();
  const std::string disk = files_on_disk();
  // The files are read as they are: what is stored in the clear is found (the registration ids),
  // and the citizens' data is there, sealed.
  for (const auto& id : all_ids) EXPECT_NE(disk.find(id), std::string::npos) << id;
  // The outbox's entries, sealed as bytes: the marker, the key id's length, the key id.
  EXPECT_NE(disk.find(std::string(1, crypto::kSealedBinaryMarker) + "\x07" + "field-1"),
            std::string::npos);
  std::size_t needles = 0;
  for (const auto& c : citizens) {
    std::vector<std::string> personal{c.citizen_id,   c.first_name,    c.last_name, c.first_name_en,
                                      c.last_name_en, c.date_of_birth, c.laser_code};
    for (const auto& p : personal) {
      ++needles;
      EXPECT_EQ(disk.find(p), std::string::npos)
          << "citizen " << c.n << ": '" << p << "' in the clear on disk";
    }
  }
  EXPECT_EQ(needles, citizens.size() * 7);
}

// A rotation of the field key (issue 15): a new version, enrollmentd restarted with it, then
// `enrollctl rekey` reseals every stored registration beside the running service; the old
// version is retired and every record still opens; a second run finds nothing to do, and the
// service goes on with the new version alone.
TEST_F(AtRestTest, AFieldKeyRotationIsResealedOnlineAndTheOldVersionRetired) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 4, 8200, "rekey");
  drive(driver, ids, 120s);
  ASSERT_EQ(issued(driver, ids), ids.size()) << unfinished(driver, ids);
  wait_until_caught_up();
  for (const auto& id : ids) EXPECT_EQ(state_record_sealing_key(*stored_record(id)), "field-1");

  const auto keys = work_ / "keys";
  ASSERT_EQ(find_keyring_kind(kFieldKey)->add_version(keys), "field-2");
  restart_daemon(SIGTERM);  // every instance holds the new version before anything uses it
  const std::vector<std::string> rekey{"rekey",       "--redis",           redis_url(), "--keys",
                                       keys.string(), "--redis-namespace", ns_};
  std::string out;
  ASSERT_EQ(enrollctl(rekey, out), 0) << out;
  EXPECT_NE(out.find("resealed 4 of 4 registrations with field-2 (0 already were"),
            std::string::npos)
      << out;
  for (const auto& id : ids) {
    const std::string raw = stored_record(id).value();
    EXPECT_EQ(state_record_sealing_key(raw), "field-2");
  }

  EXPECT_EQ(retire_key_versions(keys, kFieldKey, 2), 1u);
  field_cipher_.reset();
  keys_ = load_keys(keys);
  field_cipher_.emplace(key_views(*keys_.field));
  for (const auto& id : ids) {
    EXPECT_EQ(stored_state(id).value().at("machine"), "issued");
    EXPECT_EQ(stored_state(id).value().at("citizen_id"),
              sim::citizen(8200 + (&id - ids.data())).citizen_id);
  }
  ASSERT_EQ(enrollctl(rekey, out), 0) << out;
  EXPECT_NE(out.find("resealed 0 of 4 registrations with field-2 (4 already were"),
            std::string::npos)
      << out;

  restart_daemon(SIGTERM);  // field-2 alone now
  const auto later = start_self_service(driver, 1, 8210, "after-rekey");
  drive(driver, later, 120s);
  EXPECT_EQ(issued(driver, later), 1u) << unfinished(driver, later);
  EXPECT_EQ(state_record_sealing_key(*stored_record(later[0])), "field-2");
}

}  // namespace
}  // namespace enroll::test
