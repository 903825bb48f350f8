#pragma once
// Turns the engine's effects into CloudEvents messages with deterministic ids: the id of an
// output is derived from the registration, the inbound event that caused it and its index,
// so a replay after a crash emits the same ids and consumers can drop duplicates.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/codec/inbound_decoder.hpp"
#include "adapters/codec/topics.hpp"
#include "adapters/trust/signer.hpp"
#include "workflows/effects.hpp"

namespace enroll::codec {

struct OutboxMessage {
  std::string topic;
  std::string key;
  std::string value;
  // For an audit record: its compact form (history_line.hpp), which the commit step appends
  // to the registration's history in Redis for the HTTP API, and its chain head ("<seq>
  // <hash>", audit_head), pending until an audit checkpoint covers it; empty otherwise.
  std::string history{};
  std::string audit_head{};
};

struct InboxPosition {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

class OutboundEncoder {
 public:
  // `signer`: enrollmentd's, for its timers (inbox messages like any other: signed).
  OutboundEncoder(Topics topics, std::string source, const trust::Signer& signer);
  [[nodiscard]] std::vector<OutboxMessage> encode(const RegistrationId& subject,
                                                  const EventId& cause, std::int64_t state_version,
                                                  std::string_view traceparent, Timestamp now,
                                                  const std::vector<Effect>& effects) const;
  // The inbox message by which a registration's deadline enters the log (id: the due time, so
  // firing the same deadline again is recognised).
  [[nodiscard]] OutboxMessage timer(const RegistrationId& subject, Timestamp due,
                                    Timestamp now) const;
  // A signed audit checkpoint (`data`: sign_checkpoint's) on enroll.audit; id
  // "checkpoint/p<partition>/<number>", so a re-sent copy is recognised.
  [[nodiscard]] OutboxMessage checkpoint(const nlohmann::json& data, Timestamp now) const;
  [[nodiscard]] OutboxMessage dead_letter(const InboxPosition& from, std::string_view key,
                                          std::string_view payload, const DecodeError& error,
                                          Timestamp now) const;

  [[nodiscard]] std::string dlq_topic() const { return topics_.dlq(); }

 private:
  Topics topics_;
  std::string source_;
  const trust::Signer* signer_;
};

}  // namespace enroll::codec
