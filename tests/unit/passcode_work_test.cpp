// passcode_work (workflows/engine.hpp): the Argon2id work the shell may do ahead is what the
// awaiting step's kind would do itself, by its own rules: a verifier only for a pair its policy
// accepts, a check only against a stored verifier, nothing for a command the step does not
// await now.
#include "tests/unit/engine_walk.hpp"

namespace enroll::testing {
namespace {

class PasscodeWorkTest : public EngineWalk {
 protected:
  Inbound command(CommandType type, CommandPayload payload) {
    Inbound in;
    in.id = EventId("ahead-1");
    in.source = "/test";
    in.subject = RegistrationId("reg-1");
    in.type = type;
    in.payload = std::move(payload);
    in.principal = fitting_principal(in, &*state_, catalog_);
    return in;
  }
  std::optional<crypto::PasscodeWork> work(const Inbound& in) {
    return passcode_work(*state_, in, config_);
  }
};

TEST_F(PasscodeWorkTest, AVerifierOnlyForAPairThePolicyAccepts) {
  walk_to("set-passcode");
  const auto good =
      command(CommandType::passcode_set,
              PasscodeSet{SecretString("13572468"), SecretString("13572468"), "set-passcode"});
  const auto w = work(good);
  ASSERT_TRUE(w.has_value());
  const auto* make = std::get_if<crypto::MakeVerifier>(&*w);
  ASSERT_NE(make, nullptr);
  EXPECT_EQ(make->passcode->view(), "13572468");
  EXPECT_EQ(make->salt, passcode_salt(config_, RegistrationId("reg-1"), EventId("ahead-1")));
  // What on_command refuses before hashing costs nothing ahead either.
  for (const auto& [first, repeat] : std::vector<std::pair<std::string, std::string>>{
           {"13572468", "13572469"},  // not the same twice
           {"12345678", "12345678"},  // a run
           {"11112580", "11112580"},  // four of one digit (max_same_digit 3)
           {"1357", "1357"}}) {       // too short
    EXPECT_FALSE(
        work(command(CommandType::passcode_set,
                     PasscodeSet{SecretString(first), SecretString(repeat), "set-passcode"})))
        << first << "/" << repeat;
  }
  EXPECT_FALSE(work(
      command(CommandType::passcode_set, PasscodeSet{std::nullopt, std::nullopt, "set-passcode"})));
}

TEST_F(PasscodeWorkTest, ACheckOnlyAgainstAStoredVerifier) {
  walk_to("confirm-consent");
  const auto w = work(
      command(CommandType::consent_confirm, ConsentConfirm{SecretString("1"), "confirm-consent"}));
  ASSERT_TRUE(w.has_value());
  const auto* check = std::get_if<crypto::CheckPasscode>(&*w);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(*check->verifier, state_->captured.passcode.verifier);
  EXPECT_FALSE(
      work(command(CommandType::consent_confirm, ConsentConfirm{std::nullopt, "confirm-consent"})));
}

TEST_F(PasscodeWorkTest, NothingForACommandTheStepDoesNotAwait) {
  walk_to("selfie");
  EXPECT_FALSE(work(
      command(CommandType::passcode_set,
              PasscodeSet{SecretString("13572468"), SecretString("13572468"), "set-passcode"})));
  EXPECT_FALSE(work(
      command(CommandType::consent_confirm, ConsentConfirm{SecretString("1"), "confirm-consent"})));
}

}  // namespace
}  // namespace enroll::testing
