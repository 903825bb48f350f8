#pragma once
// The engine's unit-test fixture on the self-service definition: no servers, an injected
// clock, one event at a time, and a walk along the happy path.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>

#include "tests/unit/engine_fixture.hpp"
#include "tests/unit/principals.hpp"
#include "workflows/definition.hpp"
#include "workflows/engine.hpp"
#include "workflows/reason.hpp"

namespace enroll::testing {

using nlohmann::json;

class EngineWalk : public ::testing::Test {
 protected:
  // The definition file the walk runs on: the current self-service one unless a test says.
  virtual std::string definition_file() const { return "self-service.v2.json"; }

  void SetUp() override {
    catalog_ = load_channels({channels_folder() / definition_file()});
    config_.catalog = &catalog_;
    set_test_keys(config_, 40);
    config_.passcode_hash.memlimit = 8 * 1024 * 1024;
    config_.passcode_hash.opslimit = 1;
    config_.passcode_hash.peppers = &test_peppers();
  }

  Outcome feed(CommandType type, CommandPayload payload) {
    Inbound in;
    in.id = EventId("e" + std::to_string(++seq_));
    in.source = "/test";
    in.subject = RegistrationId(reg_id_);
    in.type = type;
    in.payload = std::move(payload);
    return feed(in);
  }
  // `in` from its fitting sender, unless it names one (tests/unit/principals.hpp).
  Outcome feed(Inbound& in) {
    give_fitting_principal(in, state_ ? &*state_ : nullptr, catalog_);
    now_ += std::chrono::seconds(1);
    Outcome out = apply(state_, in, now_, config_);
    if (out.state) state_ = *out.state;
    return out;
  }
  Outcome feed(Inbound&& in) { return feed(in); }
  // Moves the clock to the registration's next timer and fires it.
  Outcome fire_timer() {
    const auto due = state_->next_timer();
    EXPECT_TRUE(due.has_value());
    now_ = *due - std::chrono::seconds(1);  // feed() adds a second
    return timer();
  }
  // A timer event a second later, whatever is due then.
  Outcome timer() {
    Inbound in;
    in.id = EventId("timer-" + std::to_string(++seq_));
    in.source = "/test/timers";
    in.subject = RegistrationId(reg_id_);
    in.type = CommandType::timer;
    in.payload = TimerFired{};
    return feed(in);
  }
  Outcome result(json outputs, TaskStatus status = TaskStatus::ok, std::string code = "") {
    TaskResult r;
    r.request_id = state_->pending_request.value_or(RequestId("none"));
    r.task = awaited_task(*state_, catalog_);
    r.status = status;
    r.outputs = std::move(outputs);
    if (!code.empty()) r.error = TaskError{code, code};
    return feed(CommandType::task_result, r);
  }
  static std::vector<const EmitEvent*> events(const Outcome& o) {
    std::vector<const EmitEvent*> out;
    for (const auto& e : o.effects) {
      if (const auto* ev = std::get_if<EmitEvent>(&e)) out.push_back(ev);
    }
    return out;
  }
  static const RequestTask* request(const Outcome& o) {
    for (const auto& e : o.effects) {
      if (const auto* r = std::get_if<RequestTask>(&e)) return r;
    }
    return nullptr;
  }
  static const EmitEvent* awaiting(const Outcome& o) {
    for (const auto* e : events(o)) {
      if (e->type() == EventType::awaiting) return e;
    }
    return nullptr;
  }

  // Walks the happy path from wherever the registration is (started if it is not) until it
  // stands at the step `until`, or ends ("" walks to the end).
  void walk_to(const std::string& until) {
    if (!state_) {
      feed(CommandType::registration_start,
           RegistrationStart{"self-service", {"dev-1", "android"}, std::nullopt, std::nullopt});
    }
    const std::map<std::string, std::function<void()>> steps{
        {"accept-terms", [&] { feed(CommandType::terms_accept, TermsAccept{"2024-06"}); }},
        {"card-front",
         [&] {
           feed(CommandType::card_front_capture, ImageCapture{ImageRef("img://front")});
           result(front_ocr_);
         }},
        {"claim-citizen",
         [&] {
           result({{"claimed", true}});
         }},
        {"card-back",
         [&] {
           feed(CommandType::card_back_capture, ImageCapture{ImageRef("img://back")});
           result({{"laser_code", "JT0-1234567-89"}, {"sharpness", 0.9}});
         }},
        {"confirm-card-data", [&] { feed(CommandType::card_data_confirm, CardDataConfirm{true}); }},
        {"verify-card",
         [&] {
           result({{"code", 0}, {"card_status", "valid"}});
         }},
        {"selfie",
         [&] {
           feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
           result({{"liveness", 0.95}});
         }},
        {"face-match",
         [&] {
           result({{"score", 0.9}});
         }},
        {"set-passcode",
         [&] {
           feed(CommandType::passcode_set,
                PasscodeSet{SecretString("13572468"), SecretString("13572468"), "set-passcode"});
         }},
        {"confirm-consent",
         [&] {
           feed(CommandType::consent_confirm,
                ConsentConfirm{SecretString("13572468"), "confirm-consent"});
         }},
        {"issue",
         [&] {
           result({{"digital_id", "DID-1"}, {"revoked", nullptr}});
         }},
    };
    while (state_->active() && state_->step != until) {
      const auto version = state_->state_version;
      steps.at(state_->step)();
      ASSERT_NE(state_->state_version, version) << "stuck at " << state_->step;
    }
  }

  DefinitionCatalog catalog_;
  EngineConfig config_;
  std::optional<Registration> state_;
  std::string reg_id_ = "reg-1";  // the registration fed (reset state_ to start another)
  Timestamp now_{std::chrono::milliseconds(1'800'000'000'000)};
  int seq_ = 0;
  json front_ocr_{
      {"citizen_id", "1101700203450"}, {"first_name", "สมชาย"},    {"last_name", "ใจดี"},
      {"first_name_en", "Somchai"},    {"last_name_en", "Jaidee"}, {"date_of_birth", "1990-05-17"},
      {"expiry_date", "2030-01-01"},   {"sharpness", 0.9}};
};

}  // namespace enroll::testing
