#include "sim/channel_mix.hpp"

#include <charconv>

#include "errors/errc.hpp"

namespace enroll::sim {

ChannelMix ChannelMix::parse(std::string_view spec) {
  ChannelMix mix;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw Error(Errc::bad_setting, "mix: '" + std::string(item) + "' is not CHANNEL=WEIGHT");
    }
    const std::string_view number = item.substr(eq + 1);
    std::int64_t weight = -1;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), weight);
    if (ec != std::errc{} || end != number.data() + number.size() || weight < 0 ||
        weight > 1'000'000) {
      throw Error(Errc::bad_setting,
                  "mix: weight of '" + std::string(item) + "' is not an integer from 0 to 1000000");
    }
    const std::string channel(item.substr(0, eq));
    for (const auto& e : mix.entries_) {
      if (e.channel == channel) throw Error(Errc::bad_setting, "mix: " + channel + " given twice");
    }
    if (weight > 0) mix.entries_.push_back({channel, weight, 0});
    mix.total_ += weight;
  }
  if (mix.total_ == 0) throw Error(Errc::bad_setting, "mix: no channel with a positive weight");
  return mix;
}

ChannelMix ChannelMix::single(std::string channel) {
  ChannelMix mix;
  mix.entries_.push_back({std::move(channel), 1, 0});
  mix.total_ = 1;
  return mix;
}

const std::string& ChannelMix::next() {
  Entry* best = nullptr;
  for (auto& e : entries_) {
    e.current += e.weight;
    if (best == nullptr || e.current > best->current) best = &e;
  }
  best->current -= total_;
  return best->channel;
}

std::vector<std::string> ChannelMix::channels() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.channel);
  return out;
}

}  // namespace enroll::sim
