// The HTTP API's inbox writer when Kafka is not there (nothing listens on 127.0.0.1:1): each
// write is answered exactly once, as failed, after the message timeout; write() itself never
// waits; stop() answers what is still in flight and refuses later writes at once.
#include "service/server/inbox_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace enroll::http {
namespace {

using namespace std::chrono_literals;

struct Answer {
  std::promise<std::pair<bool, std::string>> promise;
  std::atomic<int> calls{0};
  InboxWriter::Delivered callback() {
    return [this](bool ok, const std::string& error) {
      if (calls.fetch_add(1) == 0) promise.set_value({ok, error});
    };
  }
};

kafka::Settings unreachable(const std::string& timeout_ms) {
  return {{"bootstrap.servers", "127.0.0.1:1"},
          {"message.timeout.ms", timeout_ms},
          {"reconnect.backoff.max.ms", "100"},
          {"log_level", "0"}};
}

TEST(InboxWriterTest, AWriteKafkaNeverAcknowledgesIsAnsweredFailed) {
  Answer answer;  // before the writer, which may still answer while it stops
  InboxWriter writer(unreachable("300"), "enroll.inbox");
  const auto before = std::chrono::steady_clock::now();
  writer.write("reg-1", "{}", answer.callback());
  EXPECT_LT(std::chrono::steady_clock::now() - before, 100ms) << "write() waited";
  auto result = answer.promise.get_future();
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  const auto [ok, error] = result.get();
  EXPECT_FALSE(ok);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  writer.stop();
  EXPECT_EQ(answer.calls.load(), 1);
}

TEST(InboxWriterTest, StopAnswersWhatIsInFlightAndRefusesLaterWrites) {
  Answer first, second, late;
  InboxWriter writer(unreachable("60000"), "enroll.inbox", 256, 200ms);
  writer.write("reg-1", "{}", first.callback());
  writer.write("reg-2", "{}", second.callback());
  std::this_thread::sleep_for(100ms);  // taken by the writer's thread, in flight
  writer.stop();
  for (auto* a : {&first, &second}) {
    auto result = a->promise.get_future();
    ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
    const auto [ok, error] = result.get();
    EXPECT_FALSE(ok);
    EXPECT_EQ(error, "stopped before Kafka acknowledged it");
    EXPECT_EQ(a->calls.load(), 1);
  }
  writer.write("reg-3", "{}", late.callback());
  auto result = late.promise.get_future();
  ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
  EXPECT_FALSE(result.get().first);
}

TEST(InboxWriterTest, MoreThanTheQueueHoldsIsRefusedAtOnce) {
  Answer a, b, c;
  InboxWriter writer(unreachable("60000"), "enroll.inbox", 2, 100ms);
  writer.write("reg-1", "{}", a.callback());
  writer.write("reg-2", "{}", b.callback());
  writer.write("reg-3", "{}", c.callback());
  auto result = c.promise.get_future();
  ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
  const auto [ok, error] = result.get();
  EXPECT_FALSE(ok);
  EXPECT_NE(error.find("too many"), std::string::npos) << error;
  EXPECT_EQ(a.calls.load(), 0);
  writer.stop();
  EXPECT_EQ(a.calls.load(), 1);
  EXPECT_EQ(b.calls.load(), 1);
}

}  // namespace
}  // namespace enroll::http
