#pragma once
// Which channel each simulated registration goes through: one channel, or a weighted mix
// ("self-service=60,officer-assisted=20,passcode-reset=10,kiosk=10"). The assignment is a
// smooth weighted round robin: deterministic, and every prefix of the run is close to the
// weights (not just the whole run).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace enroll::sim {

class ChannelMix {
 public:
  // Throws Error(bad_setting) with a one-line reason.
  static ChannelMix parse(std::string_view spec);
  static ChannelMix single(std::string channel);

  // The channel of the next registration.
  const std::string& next();
  [[nodiscard]] std::vector<std::string> channels() const;

 private:
  struct Entry {
    std::string channel;
    std::int64_t weight = 0;
    std::int64_t current = 0;
  };
  std::vector<Entry> entries_;
  std::int64_t total_ = 0;
};

}  // namespace enroll::sim
