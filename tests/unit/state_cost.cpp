// What storing a registration's state costs, per write and per read, in the JSON form
// (before issue 16) and the binary form (state_binary.cpp), side by side in one run: the
// sample state of state_binary_test with a late journey's dedupe window (14 applied ids),
// its personal fields sealed as enrollmentd seals them (remembered: an unchanged field is not
// sealed again). Prints only (CPU µs per operation, bytes): run it on the release build
// (`build/release/tests/unit/state_cost`); the dev build's sanitizers multiply the figures.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/cpu_cost.hpp"
#include "tests/unit/sample_state.hpp"
#include "workflows/crypto/field_cipher.hpp"

int main() {
  using namespace enroll;
  using testing::micros_per;
  const std::vector<unsigned char> key(crypto::kFieldKeyBytes, 7);
  const crypto::FieldCipher cipher({crypto::FieldKey{"field-1", key}});
  Registration s = testing::sample_state();
  s.applied.clear();
  for (int i = 0; i < 14; ++i) s.applied.push_back(s.id.str() + "/c" + std::to_string(i));

  const std::string json = state_to_json(s, &cipher).dump();
  const std::string binary = state_to_record(s, &cipher);
  const int n = 100000;
  std::printf("state: %zu bytes as JSON, %zu binary\n", json.size(), binary.size());
  std::printf("%-34s %8s %8s\n", "CPU us per operation", "JSON", "binary");
  std::printf("%-34s %8.2f %8.2f\n", "write (sealed fields remembered)",
              micros_per(n, [&] { (void)state_to_json(s, &cipher).dump(); }),
              micros_per(n, [&] { (void)state_to_record(s, &cipher); }));
  std::printf("%-34s %8.2f %8.2f\n", "read (sealed fields opened)",
              micros_per(n, [&] { (void)state_from_record(json, &cipher); }),
              micros_per(n, [&] { (void)state_from_record(binary, &cipher); }));
  return 0;
}
