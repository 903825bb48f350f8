#pragma once
// The one CloudEvents 1.0 envelope (structured JSON mode) of every message this tree
// produces: the service's events, task requests, audit records, timers and dead letters,
// the operator actions, the orchestrator's own task results, and the simulators' commands.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/trust/signer.hpp"
#include "workflows/time.hpp"

namespace enroll::codec {

struct EnvelopeHead {
  std::string id;
  std::string source;
  std::string type;
  std::string subject;
  std::optional<Timestamp> time{};  // optional in CloudEvents; omitted when not set
  std::string traceparent{};        // the distributed-tracing extension; omitted when empty
};

// specversion 1.0, the head's attributes, datacontenttype application/json and `data`.
[[nodiscard]] nlohmann::json envelope(EnvelopeHead head, nlohmann::json data);

// The same envelope written as text around `data`, JSON text as is (the outbound path: no
// tree is built). The same bytes as envelope(head, parse(data)).dump() when `data` is in
// dump's form. Throws crypto::CanonicalJsonError for an attribute that is not UTF-8.
[[nodiscard]] std::string envelope_text(const EnvelopeHead& head, std::string_view data);

// The envelope of a message to enroll.inbox, signed by its producer: `time` from the signer's
// clock when the head has none, then `keyid` and `signature` (base64url) over the RFC 8785
// form of the whole event without its `signature` (trust::Signer::sign; README "Signed
// envelopes"). Throws crypto::CanonicalJsonError (NaN in the data), Error(bad_key) (no valid key).
[[nodiscard]] nlohmann::json inbox_envelope(EnvelopeHead head, nlohmann::json data,
                                            const trust::Signer& signer);

}  // namespace enroll::codec
