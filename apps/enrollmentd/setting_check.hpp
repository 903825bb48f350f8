#pragma once
// The check of each enrollmentd setting, declared once and run on the value whichever source
// gave it (config file, ENROLL_* variable, flag). A check sees the value as text, as a flag or
// a variable gives it (a config file's integer is written out in decimal first), and may put
// it in its one canonical form, so that what is stored is what was checked.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace enroll::daemon {

// Why a value is refused, in words that do not name its source (the caller names the key,
// the variable or the flag), or nullopt when it is fine.
using Refusal = std::optional<std::string>;

struct SettingCheck {
  bool integer = false;  // the config file must give a JSON integer (else a JSON string)
  std::string bounds;    // shown by --help after the type ("1..10000"); may be empty
  std::function<Refusal(std::string& text)> check;
};

namespace check {
// A decimal integer in lo..hi, stored as the canonical decimal (CLI11 would read "010" as 8).
SettingCheck integer_in(long long lo, long long hi);
// One of the names, as given.
SettingCheck one_of(std::vector<std::string> names);
// A duration as http::parse_duration reads it ("90s", "15m", "1h30m"); "0" only if allowed.
SettingCheck duration(bool zero_allowed);
// host:port, as the HTTP server reads it.
SettingCheck listen_address();
// redis://[user[:password]@]host:port/db or redis+cluster://...; a refusal never quotes the
// login part.
SettingCheck redis_url();
// Host names or addresses separated by commas (http::parse_host_list); may be empty.
SettingCheck host_list();
// Kafka's bootstrap list: host:port entries separated by commas, no blanks.
SettingCheck broker_list();
// min..max characters of A-Z a-z 0-9 . _ - and the `extra` ones (names that end up in topic
// names, Redis keys, log lines and client ids).
SettingCheck name(std::size_t min, std::size_t max, std::string_view extra = "");
// A file or folder name: at most PATH_MAX bytes, no control character; may be empty.
SettingCheck path();
}  // namespace check

// A value as a one-line message may show it: printable ASCII as it is, any other byte as
// \xNN, cut after `max` bytes.
std::string shown(std::string_view value, std::size_t max = 64);

}  // namespace enroll::daemon
