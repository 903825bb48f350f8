#include "adapters/codec/envelope.hpp"

namespace enroll::codec {

nlohmann::json envelope(EnvelopeHead head, nlohmann::json data) {
  nlohmann::json e{{"specversion", "1.0"},
                   {"id", std::move(head.id)},
                   {"source", std::move(head.source)},
                   {"type", std::move(head.type)},
                   {"subject", std::move(head.subject)},
                   {"datacontenttype", "application/json"},
                   {"data", std::move(data)}};
  if (head.time) e["time"] = to_rfc3339(*head.time);
  if (!head.traceparent.empty()) e["traceparent"] = std::move(head.traceparent);
  return e;
}

nlohmann::json inbox_envelope(EnvelopeHead head, nlohmann::json data, const trust::Signer& signer) {
  if (!head.time) head.time = signer.now();
  nlohmann::json e = envelope(std::move(head), std::move(data));
  signer.sign(e);
  return e;
}

}  // namespace enroll::codec
