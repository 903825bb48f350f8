#pragma once
// The built-in step kinds, one accessor each; step_kind.cpp registers them by name.
#include "workflows/steps/step_kind.hpp"

namespace enroll::steps {

const StepKind& accept_terms();
const StepKind& confirm_consent();
const StepKind& card_front_ocr();
const StepKind& card_back_ocr();
const StepKind& confirm_card_data();
const StepKind& verify_card();
const StepKind& selfie_liveness();
const StepKind& face_match();
const StepKind& set_passcode();
const StepKind& issue_identity();

// Helpers shared by the kinds.
// The error code of a failed result, or "failed" when the connector gave none.
std::string error_code(const TaskResult& r);

}  // namespace enroll::steps
