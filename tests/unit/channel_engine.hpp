#pragma once
// The engine's unit-test fixture on every channel definition: registrations by id, an injected
// clock, one event at a time, each from its fitting sender (tests/unit/principals.hpp) unless
// the test names another.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "tests/unit/engine_fixture.hpp"
#include "tests/unit/principals.hpp"
#include "workflows/engine.hpp"

namespace enroll::testing {

class ChannelEngine : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    load_all_channels(catalog_);
    config_ = test_engine_config(catalog_);
  }

  // `payload` for registration `reg`, from `from` (none: its fitting sender).
  Outcome feed(const std::string& reg, CommandType type, CommandPayload payload,
               std::optional<Principal> from = std::nullopt) {
    Inbound in{EventId("e" + std::to_string(++seq_)),
               "/test",
               RegistrationId(reg),
               type,
               std::move(payload),
               "",
               {}};
    auto& state = states_[reg];
    in.principal = from ? *from : fitting_principal(in, state ? &*state : nullptr, catalog_);
    now_ += std::chrono::seconds(1);
    Outcome out = apply(state, in, now_, config_);
    if (out.state) state = *out.state;
    return out;
  }
  Outcome feed(CommandType type, CommandPayload payload,
               std::optional<Principal> from = std::nullopt) {
    return feed("reg-1", type, std::move(payload), std::move(from));
  }
  Registration& state(const std::string& reg = "reg-1") { return *states_.at(reg); }
  // A result for the pending request, naming the task the step awaits.
  TaskResult pending_result(json outputs, TaskStatus status = TaskStatus::ok,
                            const std::string& code = "", const std::string& reg = "reg-1") {
    TaskResult r;
    r.request_id = state(reg).pending_request.value_or(RequestId("none"));
    r.task = awaited_task(state(reg), catalog_);
    r.status = status;
    r.outputs = std::move(outputs);
    if (!code.empty()) r.error = TaskError{code, code};
    return r;
  }
  Outcome result(json outputs, TaskStatus status = TaskStatus::ok, const std::string& code = "",
                 const std::string& reg = "reg-1") {
    return feed(reg, CommandType::task_result,
                pending_result(std::move(outputs), status, code, reg));
  }
  Outcome fire_timer(const std::string& reg = "reg-1") {
    now_ = *state(reg).next_timer() - std::chrono::seconds(1);
    return feed(reg, CommandType::timer, TimerFired{});
  }
  static const EmitEvent* last_event(const Outcome& o) {
    const EmitEvent* last = nullptr;
    for (const auto& e : o.effects) {
      if (const auto* ev = std::get_if<EmitEvent>(&e)) last = ev;
    }
    return last;
  }
  static const RequestTask* request(const Outcome& o) {
    for (const auto& e : o.effects) {
      if (const auto* r = std::get_if<RequestTask>(&e)) return r;
    }
    return nullptr;
  }

  DefinitionCatalog catalog_;
  EngineConfig config_;
  std::map<std::string, std::optional<Registration>> states_;
  Timestamp now_{std::chrono::milliseconds(1'800'000'000'000)};
  int seq_ = 0;
};

}  // namespace enroll::testing
