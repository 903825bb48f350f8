#pragma once
// The stored fields of a registration, listed once and visited in this order by every form
// of the record: the JSON writer and reader (state.cpp) and the binary ones
// (state_binary.cpp). A visitor has field(key, value), field(key, enum, parse),
// personal(key, value) (a citizen's data: sealed at rest) and object(key, value).
// Internal to the state's codecs.
#include <cstdint>
#include <string_view>

#include "workflows/state.hpp"

namespace enroll {

// The stored fields, listed once: what every record has and a tombstone keeps...
template <class V, class S>
void core_fields(V& v, S& s) {
  v.field("id", s.id);
  v.field("channel", s.channel);
  v.field("definition_version", s.definition_version);
  v.field("machine", s.position.state, &registration_state_from);
  v.field("phase", s.phase, &phase_from);
  v.field("step", s.step);
  v.field("stage", s.stage, &step_state_from);
  v.field("reason", s.reason);
  v.field("expires_at", s.expires_at);
  v.field("state_version", s.state_version);
  v.field("audit_seq", s.audit_seq);
  v.field("audit_head", s.audit_head);
  v.field("created_at", s.created_at);
  v.field("updated_at", s.updated_at);
  v.field("purge_at", s.purge_at);
  v.field("purged_at", s.purged_at);
  v.field("consent", s.consent);
  v.field("applied", s.applied);
}

// ... and what only a registration that is not purged has.
template <class V, class S>
void live_fields(V& v, S& s) {
  v.field("attempt", s.attempt);
  v.field("entries", s.entries);
  v.field("pending_request", s.pending_request);
  v.personal("pending_inputs", s.pending_inputs);
  v.field("step_deadline", s.step_deadline);
  v.field("step_reason", s.step_reason);
  v.field("tries_used", s.tries_used);
  v.object("device", s.device);
  v.field("officer", s.officer);
  v.personal("citizen_id", s.citizen_id);
  v.field("citizen_claimed", s.citizen_claimed);
  v.object("captured", s.captured);
  v.field("used_qr_tokens", s.used_qr_tokens);
  v.field("locked_step", s.locked_step);
  v.field("hand_over_channel", s.hand_over_channel);
  v.field("incident", s.incident);
}

template <class V, class S>
void device_fields(V& v, S& d) {
  v.field("id", d.id);
  v.field("platform", d.platform);
}
template <class V, class S>
void officer_fields(V& v, S& o) {
  v.field("id", o.id);
  v.field("counter", o.counter);
}
template <class V, class S>
void consent_fields(V& v, S& c) {
  v.field("terms_version", c.terms_version);
  v.field("accepted_at", c.accepted_at);
  v.field("confirmed_at", c.confirmed_at);
  v.field("confirmed_by", c.confirmed_by);
  v.field("method", c.method);
}
template <class V, class S>
void incident_fields(V& v, S& i) {
  v.field("task", i.task);
  v.field("error", i.error);
  v.field("since", i.since);
  v.field("attempts", i.attempts);
}

// The binary form (state_binary.cpp): its first byte, which no JSON text starts with, and its
// version (the second byte).
inline constexpr std::uint8_t binary_state_mark = 0xB1;
inline constexpr std::uint8_t binary_state_version = 1;
// A binary record (its first byte binary_state_mark); throws StateDecodeError.
Registration state_from_binary(std::string_view bytes, const crypto::FieldCipher* cipher);

// The checks across fields of a decoded live registration, for every form: a held
// registration holds its phase, and an incident is recorded exactly while in status incident.
// Throws StateDecodeError.
void finish_decoded(Registration& s);

}  // namespace enroll
