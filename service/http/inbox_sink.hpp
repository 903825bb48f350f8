#pragma once
// Where the HTTP API's operator actions go on their way to the inbox, without blocking an Asio
// thread. Here, with the handlers, and not beside the InboxWriter (service/server/), so that the
// handlers build and run without Kafka (the HTTP fuzz target).
#include <functional>
#include <string>

namespace enroll::http {

// The InboxWriter (service/server/inbox_writer.hpp), or something that takes the actions
// without Kafka (the HTTP fuzz target, tests/fuzz/).
class InboxSink {
 public:
  // `ok`: Kafka acknowledged the message; else `error` says why not.
  using Delivered = std::function<void(bool ok, const std::string& error)>;
  InboxSink() = default;
  InboxSink(const InboxSink&) = delete;
  InboxSink& operator=(const InboxSink&) = delete;
  virtual ~InboxSink() = default;
  // From any thread; never blocks on Kafka. `done` is called exactly once.
  virtual void write(std::string key, std::string value, Delivered done) = 0;
};

}  // namespace enroll::http
