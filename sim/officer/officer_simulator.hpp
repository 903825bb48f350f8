#pragma once
// The officer console simulator: the officer's review decision (review.request) and the
// counter screen that shows the QR token (qr.display).
#include "sim/task_types.hpp"

namespace enroll::sim {

// review.request: approve, officer_id = inputs.officer.id (or "officer-sim"); rejects a
// `review_reject_rate` share of registrations. qr.display: displayed. The review is a human
// decision with no error codes, so `unavailable_rate` applies to qr.display only.
TaskReply answer_officer(const TaskRequestView& request, const Behaviour& behaviour);

}  // namespace enroll::sim
