#pragma once
// The built-in step kinds, one accessor each; step_kind.cpp registers them by name.
#include <string>
#include <vector>

#include "workflows/steps/step_kind.hpp"

namespace enroll::steps {

const StepKind& accept_terms();       // terms.accept → the consent record
const StepKind& grant_permissions();  // permissions.grant
const StepKind& confirm_consent();    // consent.confirm: the passcode again, verified
const StepKind& claim_citizen();      // one active registration per citizen ID
const StepKind& check_enrolled();     // identity.status: the citizen holds an issued identity
const StepKind& card_front_ocr();     // card.front.capture → card.front.ocr
const StepKind& card_back_ocr();      // card.back.capture → card.back.ocr (laser code)
const StepKind& card_data_task();     // a task that returns the whole card (chip reader)
const StepKind& confirm_card_data();  // card.data.confirm
const StepKind& verify_card();        // card.verify at the civil registry
const StepKind& enter_citizen_id();   // citizen_id.enter, equal to the officer's checked card
const StepKind& officer_review();     // review.request: a human task
const StepKind& selfie_liveness();    // selfie.capture → face.liveness
const StepKind& face_match();         // face.match against the registry / enrolled photo
const StepKind& fingerprint_match();  // fingerprint.capture → fingerprint.match
const StepKind& qr_bind();            // qr.display of a counter token, then qr.scan
const StepKind& set_passcode();       // passcode.set: policy, Argon2id verifier
const StepKind& issue_identity();     // identity.issue / identity.reactivate

// Helpers shared by the kinds.
// The setting of kinds that compare a connector's score with a least value.
struct Threshold final : StepConfig {
  double value = 0;
};
// A Threshold from the step's config member `key` (its kind's schema bounds it to 0..1).
std::shared_ptr<const StepConfig> threshold(const nlohmann::json& config, const char* key);
// The error code of a failed result, or "failed" when the connector gave none.
std::string error_code(const TaskResult& r);
// "a,b,c" as its names; "" and "any" as none (no restriction).
std::vector<std::string> name_list(std::string_view text);
// The first step before `step` that reads the card (its kind writes the card_front slice):
// where a card check sends the registration back to read the card again.
std::vector<std::string> card_reading_step(const ChannelDefinition& def, const StepDef& step);
// The first step of `phase` (with_input: the first one that expects a command), if any.
std::vector<std::string> first_step_of(const ChannelDefinition& def, RegistrationState phase,
                                       bool with_input = false);

}  // namespace enroll::steps
