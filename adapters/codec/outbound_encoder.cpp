#include "adapters/codec/outbound_encoder.hpp"

#include <nlohmann/json.hpp>

#include "adapters/codec/envelope.hpp"
#include "adapters/codec/history_line.hpp"
#include "adapters/codec/limits.hpp"
#include "workflows/crypto/canonical_json.hpp"
#include "workflows/crypto/hashing.hpp"

namespace enroll::codec {
using nlohmann::json;

namespace {

// A task request's `data`, its members in name order as a tree's dump has them.
std::string request_data(const RequestTask& e, std::int64_t state_version) {
  std::string out = R"({"attempt":)";
  out += std::to_string(e.attempt);
  out += R"(,"deadline":")";
  out += to_rfc3339(e.deadline);
  out += R"(","inputs":)";
  out += e.inputs.dump();
  out += R"(,"request_id":)";
  crypto::jcs::append_string(out, e.request_id.str());
  out += R"(,"state_version":)";
  out += std::to_string(state_version);
  out += R"(,"task":)";
  crypto::jcs::append_string(out, e.task);
  out += '}';
  return out;
}

}  // namespace

OutboundEncoder::OutboundEncoder(Topics topics, std::string source, const trust::Signer& signer)
    : topics_(std::move(topics)), source_(std::move(source)), signer_(&signer) {}

std::vector<OutboxMessage> OutboundEncoder::encode(const RegistrationId& subject,
                                                   const EventId& cause, std::int64_t state_version,
                                                   std::string_view traceparent, Timestamp now,
                                                   const std::vector<Effect>& effects) const {
  std::vector<OutboxMessage> out;
  out.reserve(effects.size());
  for (std::size_t i = 0; i < effects.size(); ++i) {
    const std::string id = subject.str() + "/" + cause.str() + "/" + std::to_string(i);
    const auto head = [&](std::string_view type) {
      return EnvelopeHead{
          id, source_, std::string(type), subject.str(), now, std::string(traceparent)};
    };
    // Written as text, without a tree per message (issue 16): each `data` is dumped once (an
    // event's, a request's inputs) or written member by member (an audit record).
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, EmitEvent>) {
            json data = e.data();
            data["state_version"] = state_version;
            out.push_back({topics_.events(), subject.str(),
                           envelope_text(head(to_string(e.type())), data.dump())});
          } else if constexpr (std::is_same_v<T, RequestTask>) {
            out.push_back({topics_.requests(e.connector), subject.str(),
                           envelope_text(head("task.request"), request_data(e, state_version))});
          } else {
            // The engine writes only the current record format (format 1 is read, never made).
            out.push_back({topics_.audit(), subject.str(),
                           envelope_text(head("audit.record"), audit_canonical(e, true)),
                           history_line(e), audit_head(e)});
          }
        },
        effects[i]);
  }
  return out;
}

OutboxMessage OutboundEncoder::timer(const RegistrationId& subject, Timestamp due,
                                     Timestamp now) const {
  const std::string id = "timer/" + std::to_string(to_millis(due));
  return {topics_.inbox(), subject.str(),
          inbox_envelope({id, source_ + "/timers", std::string(to_string(CommandType::timer)),
                          subject.str(), now},
                         json{{"due", to_rfc3339(due)}}, *signer_)
              .dump()};
}

OutboxMessage OutboundEncoder::checkpoint(const nlohmann::json& data, Timestamp now) const {
  const std::string partition = "p" + std::to_string(data.at("partition").get<std::int32_t>());
  const std::string id =
      "checkpoint/" + partition + "/" + std::to_string(data.at("number").get<std::int64_t>());
  // Subject and key name the partition (a subject has no "/").
  return {topics_.audit(), "checkpoint-" + partition,
          envelope({id, source_, "audit.checkpoint", "checkpoint-" + partition, now}, data).dump()};
}

OutboxMessage OutboundEncoder::dead_letter(const InboxPosition& from, std::string_view key,
                                           std::string_view payload, const DecodeError& error,
                                           Timestamp now) const {
  const std::string id = "dlq/" + from.topic + "/" + std::to_string(from.partition) + "/" +
                         std::to_string(from.offset);
  // Bounded whatever the input: an excerpt of the payload (its hash and size name it whole), of
  // the key and of the reason, so that a dead letter always fits the producer's limit. Invalid
  // UTF-8 (also where an excerpt cuts a character) is replaced when dumped.
  const std::string_view excerpt = payload.substr(0, dead_letter_excerpt_bytes);
  const std::string short_key(key.substr(0, dead_letter_key_bytes));
  json data{{"topic", from.topic},
            {"partition", from.partition},
            {"offset", from.offset},
            {"error",
             {{"code", wire_code(error.code)},
              {"message", error.message.substr(0, dead_letter_message_bytes)}}},
            {"payload", std::string(excerpt)},
            {"payload_truncated", excerpt.size() < payload.size()},
            {"payload_size", payload.size()},
            {"payload_sha256", crypto::sha256_hex(payload)}};
  if (short_key.size() < key.size()) data["key_truncated"] = true;
  // The subject is the inbox position, which always has a subject's form; the key (any bytes,
  // or none) stays the Kafka key.
  const std::string subject =
      from.topic + ":" + std::to_string(from.partition) + ":" + std::to_string(from.offset);
  return {topics_.dlq(), short_key,
          envelope({id, source_, "inbox.rejected", subject, now}, std::move(data))
              .dump(-1, ' ', false, json::error_handler_t::replace)};
}

}  // namespace enroll::codec
