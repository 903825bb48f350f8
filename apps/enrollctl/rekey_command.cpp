#include "apps/enrollctl/rekey_command.hpp"

#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "adapters/keys/keys.hpp"
#include "adapters/keys/redis_password.hpp"
#include "adapters/redis/connect.hpp"
#include "adapters/redis/keyspace.hpp"
#include "adapters/redis/script.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/state.hpp"

namespace enroll::ctl {
namespace {

using Clock = std::chrono::steady_clock;

// Sets the state only if it is still the value read (KEEPTTL: whatever expiry it has stays).
constexpr std::string_view kCompareAndSet = R"(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
)";
constexpr int kAttempts = 5;  // reads of a record a running commit keeps changing
constexpr int kMaxPartitions = 100'000;

std::string str(const redisReply* r) {
  return r != nullptr && r->str ? std::string(r->str, r->len) : "";
}

struct Counts {
  std::size_t walked = 0, resealed = 0, current = 0, gone = 0;
  std::map<std::string, std::string> failed;  // registration id → why
};

}  // namespace

int run_rekey(const GlobalOptions& options, const RekeyOptions& rekey) {
  const Keys keys = load_keys(rekey.keys);
  const crypto::FieldCipher cipher(key_views(*keys.field));
  const SecretString password = read_redis_password(rekey.keys);
  auto redis = redis::connect(rekey.redis_url, password.view());
  const std::string sha = redis::load_script(*redis, kCompareAndSet);

  Counts counts;
  auto last_report = Clock::now();
  const auto pause = std::chrono::microseconds(1'000'000 / std::max(rekey.rate, 1));
  const auto report = [&](bool final) {
    if (options.json || (!final && Clock::now() - last_report < std::chrono::seconds(1))) return;
    last_report = Clock::now();
    std::cerr << "rekey: " << counts.walked << " registrations, resealed " << counts.resealed
              << ", already " << cipher.current_id() << " " << counts.current << ", failed "
              << counts.failed.size() << (final ? "\n" : "\r") << std::flush;
  };
  // Partitions run 0..P-1, each with an epoch since enrollmentd first claimed it.
  for (std::int32_t p = 0; p < kMaxPartitions; ++p) {
    const std::string epoch = redis::keys::partition_key(rekey.redis_namespace, p, "epoch");
    if (redis->command({epoch}, {"EXISTS", epoch})->integer == 0) break;
    const std::string index =
        redis::keys::partition_key(rekey.redis_namespace, p, redis::keys::index_all);
    std::string cursor = "0";
    do {
      const auto page = redis->command({index}, {"ZSCAN", index, cursor, "COUNT", "200"});
      cursor = str(page->element[0]);
      const redisReply* members = page->element[1];
      for (std::size_t i = 0; i + 1 < members->elements; i += 2) {  // member, score
        const std::string id = str(members->element[i]);
        const std::string key = redis::keys::partition_key(rekey.redis_namespace, p,
                                                           std::string(redis::keys::state) + id);
        ++counts.walked;
        for (int attempt = 1;; ++attempt) {
          const auto stored = redis->command({key}, {"GET", key});
          if (stored->type != REDIS_REPLY_STRING) {  // purged or quarantined since
            ++counts.gone;
            break;
          }
          const std::string before = str(stored.get());
          std::string after;
          try {
            after = state_to_record(state_from_record(before, &cipher), &cipher);
          } catch (const std::exception& e) {
            counts.failed[id] = e.what();
            break;
          }
          if (after == before) {  // sealing is deterministic: the same bytes are current
            ++counts.current;
            break;
          }
          if (rekey.dry_run) {
            ++counts.resealed;
            break;
          }
          const auto set = redis::eval_script(*redis, {key}, kCompareAndSet,
                                              {"EVALSHA", sha, "1", key, before, after});
          if (set->type == REDIS_REPLY_INTEGER && set->integer == 1) {
            ++counts.resealed;
            break;
          }
          if (attempt == kAttempts) {
            counts.failed[id] =
                "changed by the service at every one of " + std::to_string(kAttempts) + " tries";
            break;
          }
        }
        report(false);
        std::this_thread::sleep_for(pause);
      }
    } while (cursor != "0");
  }
  report(true);
  if (options.json) {
    nlohmann::json failed = nlohmann::json::object();
    for (const auto& [id, why] : counts.failed) failed[id] = why;
    std::cout << nlohmann::json{{"key", cipher.current_id()},
                                {"registrations", counts.walked},
                                {"resealed", counts.resealed},
                                {"current", counts.current},
                                {"gone", counts.gone},
                                {"dry_run", rekey.dry_run},
                                {"failed", failed}}
                     .dump()
              << "\n";
  } else {
    for (const auto& [id, why] : counts.failed)
      std::cout << "failed: " << id << ": " << why << "\n";
    std::cout << (rekey.dry_run ? "would reseal " : "resealed ") << counts.resealed << " of "
              << counts.walked << " registrations with " << cipher.current_id() << " ("
              << counts.current << " already were, " << counts.gone << " gone meanwhile, "
              << counts.failed.size() << " failed)\n";
  }
  return counts.failed.empty() ? 0 : 1;
}

}  // namespace enroll::ctl
