#include "sim/population.hpp"

#include <array>
#include <cstdio>

#include "sim/task_types.hpp"
#include "workflows/domain/citizen_id.hpp"

namespace enroll::sim {
namespace {

constexpr std::array<const char*, 8> kFirstTh{"สมชาย",   "สมหญิง", "วิชัย",  "มาลี",
                                              "ประเสริฐ", "อรุณี",   "สุริยา", "กนกวรรณ"};
constexpr std::array<const char*, 8> kFirstEn{"Somchai", "Somying", "Wichai", "Malee",
                                              "Prasert", "Arunee",  "Suriya", "Kanokwan"};
constexpr std::array<const char*, 6> kLastTh{"ใจดี", "ศรีสุข", "ทองคำ", "แสงทอง", "บุญมา", "รักไทย"};
constexpr std::array<const char*, 6> kLastEn{"Jaidee",     "Srisuk", "Thongkham",
                                             "Saengthong", "Boonma", "Rakthai"};

std::uint64_t mix(std::uint64_t x) {  // splitmix64: a cheap deterministic scramble
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

SyntheticCitizen citizen(std::uint64_t n) {
  SyntheticCitizen c;
  c.n = n % 100'000'000'000ULL;
  char first12[16];
  std::snprintf(first12, sizeof first12, "1%011llu", static_cast<unsigned long long>(c.n));
  c.citizen_id = make_citizen_id(first12);
  const std::uint64_t h = mix(c.n);
  c.first_name = kFirstTh[h % kFirstTh.size()];
  c.first_name_en = kFirstEn[h % kFirstEn.size()];
  c.last_name = kLastTh[(h >> 8) % kLastTh.size()];
  c.last_name_en = kLastEn[(h >> 8) % kLastEn.size()];
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", 1950 + static_cast<int>((h >> 16) % 55),
                1 + static_cast<int>((h >> 24) % 12), 1 + static_cast<int>((h >> 32) % 28));
  c.date_of_birth = buf;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", 2027 + static_cast<int>((h >> 40) % 8),
                1 + static_cast<int>((h >> 24) % 12), 1 + static_cast<int>((h >> 32) % 28));
  c.expiry_date = buf;
  std::snprintf(buf, sizeof buf, "%c%c%010llu", 'A' + static_cast<int>((h >> 44) % 26),
                'A' + static_cast<int>((h >> 50) % 26),
                static_cast<unsigned long long>(mix(h) % 10'000'000'000ULL));
  c.laser_code = buf;
  return c;
}

nlohmann::json card_face(const SyntheticCitizen& c) {
  return {{"citizen_id", c.citizen_id},     {"first_name", c.first_name},
          {"last_name", c.last_name},       {"first_name_en", c.first_name_en},
          {"last_name_en", c.last_name_en}, {"date_of_birth", c.date_of_birth},
          {"expiry_date", c.expiry_date}};
}

std::optional<SyntheticCitizen> lookup(const std::string& citizen_id) {
  if (citizen_id.size() != 13 || citizen_id[0] != '1') return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 1; i < 12; ++i) {
    if (citizen_id[i] < '0' || citizen_id[i] > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(citizen_id[i] - '0');
  }
  auto c = citizen(n);
  if (c.citizen_id != citizen_id) return std::nullopt;
  return c;
}

std::string card_front_ref(const SyntheticCitizen& c, int take) {
  return "sim://card-front/" + c.citizen_id + "/" + std::to_string(take);
}
std::string card_back_ref(const SyntheticCitizen& c, int take) {
  return "sim://card-back/" + c.citizen_id + "/" + std::to_string(take);
}
std::string selfie_ref(const SyntheticCitizen& c, int attempt) {
  return "sim://selfie/" + c.citizen_id + "/" + std::to_string(attempt);
}
std::string fingerprint_ref(const SyntheticCitizen& c, int take) {
  return "sim://fingerprint/" + c.citizen_id + "/" + std::to_string(take);
}

std::optional<SyntheticCitizen> owner_of(const std::string& image_ref) {
  const std::string scheme = "sim://";
  if (image_ref.rfind(scheme, 0) != 0) return std::nullopt;
  const auto first = image_ref.find('/', scheme.size());
  if (first == std::string::npos) return std::nullopt;
  const auto id = image_ref.substr(first + 1, 13);
  return lookup(id);
}

int take_of(const std::string& image_ref) {
  if (!owner_of(image_ref)) return 1;
  const auto slash = image_ref.find('/', image_ref.find('/', 6) + 1);
  if (slash == std::string::npos || slash + 1 >= image_ref.size()) return 1;
  int take = 0;
  for (std::size_t i = slash + 1; i < image_ref.size(); ++i) {
    const char ch = image_ref[i];
    if (ch < '0' || ch > '9' || take > 100'000) return 1;
    take = take * 10 + (ch - '0');
  }
  return take < 1 ? 1 : take;
}

SyntheticCitizen card_in_reader(const std::string& registration_id) {
  return citizen(stable_hash(registration_id, 0x6b696f736b) % 100'000'000'000ULL);
}

}  // namespace enroll::sim
