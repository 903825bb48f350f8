#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace enroll::test {

// The shared dev broker and Redis that `ops/services start DIR` runs for the `services` ctest
// fixture; ctest passes DIR in $ENROLL_TEST_SERVICES. Tests share these servers, so each
// test works in its own topics and keys (see unique_name()).
//
// Immutable after construction; safe to share between threads.
class TestServices {
 public:
  // Reads $ENROLL_TEST_SERVICES. Throws std::runtime_error naming what is missing if the
  // variable is unset or the directory lacks the files ops/services writes.
  TestServices();
  explicit TestServices(const std::filesystem::path& dir);

  // Kafka bootstrap list, e.g. "127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003".
  const std::string& brokers() const { return brokers_; }
  // "redis://127.0.0.1:PORT/0", and its parts.
  const std::string& redis_url() const { return redis_url_; }
  const std::string& redis_host() const { return redis_host_; }
  int redis_port() const { return redis_port_; }
  std::uint16_t control_port() const { return control_port_; }

  // Sends one request to the dev broker's control port and returns its reply line ("ok",
  // "ok <data>" or "error <message>"), without the newline. Throws std::runtime_error if the
  // broker cannot be reached or does not answer within 10 s.
  std::string control(std::string_view command) const;

  // Creates the seven contract topics for `prefix` (e.g. unique_name("relay") + ".");
  // throws std::runtime_error unless the broker replies ok.
  void create_topic_set(std::string_view prefix, int partitions = 12) const;

 private:
  std::string brokers_;
  std::string redis_url_;
  std::string redis_host_;
  int redis_port_ = 0;
  std::uint16_t control_port_ = 0;
};

// `stem` + "-" + pid + "-" + 8 random hex digits, lowered and with every character other
// than [a-z0-9.-] replaced by '-': unique per call and safe as a topic, group or Redis key
// prefix.
std::string unique_name(std::string_view stem);

}  // namespace enroll::test
