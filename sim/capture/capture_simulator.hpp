#pragma once
// The capture device simulator: OCR of card photos, the kiosk's chip reader and selfie
// liveness, answered from the synthetic population (sim/population.hpp), with
// the failures of `behaviour` injected.
#include "sim/task_types.hpp"

namespace enroll::sim {

// Tasks: card.front.ocr, card.back.ocr, card.chip.read, face.liveness.
TaskReply answer_capture(const TaskRequestView& request, const Behaviour& behaviour);

// The citizen a capture request is about: the owner of inputs.image_ref, or for
// card.chip.read the card in the reader (card_in_reader of the registration).
std::optional<std::string> capture_subject_citizen(const TaskRequestView& request);

}  // namespace enroll::sim
