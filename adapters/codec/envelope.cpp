#include "adapters/codec/envelope.hpp"

#include "workflows/crypto/canonical_json.hpp"

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

std::string envelope_text(const EnvelopeHead& head, std::string_view data) {
  using crypto::jcs::append_string;
  std::string out;
  out.reserve(data.size() + head.id.size() + head.source.size() + head.subject.size() +
              head.traceparent.size() + 192);
  // Members in name order, as envelope()'s dump writes them.
  out.append(R"({"data":)");
  out.append(data);
  out.append(R"(,"datacontenttype":"application/json","id":)");
  append_string(out, head.id);
  out.append(R"(,"source":)");
  append_string(out, head.source);
  out.append(R"(,"specversion":"1.0","subject":)");
  append_string(out, head.subject);
  if (head.time) {
    out.append(R"(,"time":)");
    append_string(out, to_rfc3339(*head.time));
  }
  if (!head.traceparent.empty()) {
    out.append(R"(,"traceparent":)");
    append_string(out, head.traceparent);
  }
  out.append(R"(,"type":)");
  append_string(out, head.type);
  out.push_back('}');
  return out;
}

nlohmann::json inbox_envelope(EnvelopeHead head, nlohmann::json data, const trust::Signer& signer) {
  if (!head.time) head.time = signer.now();
  nlohmann::json e = envelope(std::move(head), std::move(data));
  signer.sign(e);
  return e;
}

}  // namespace enroll::codec
