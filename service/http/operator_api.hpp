#pragma once
// The operator actions of enrollmentd's HTTP API (contract: HTTP), behind an operator's own
// bearer token (the router checks it and names the operator: the acting operator is always the
// token's, never the body's):
//   POST /v1/registrations/{id}/retry    {"reason": TEXT}
//   POST /v1/registrations/{id}/rewind   {"reason": TEXT, "to_step": STEP}
//   POST /v1/registrations/{id}/cancel   {"reason": TEXT}
// each with an optional "operator": the token's operator id (anyone else's is refused), and an
// optional "query": the bulk query the action was sent for (registration_filter.hpp's keys,
// as a query string): the registration must still match it when checked, else 409
// registration_moved (a bulk retry must not re-enter the step of one that someone else
// retried in between).
// The body is checked on the Asio thread (400); the registration is read on the Redis worker
// (404, and 409 / 400 where its state or its channel definition make the action impossible);
// then the operator.<action> CloudEvent goes to the inbox through the InboxWriter, keyed by the
// registration, and the answer is 202 {"command_id", "registration_id"} once Kafka has
// acknowledged it (503 kafka_unavailable if it does not). From there the action takes the
// ordered, exactly-once path of every command: the engine decides, and may still refuse
// (command.rejected) if the registration moved on in between.
//
// Lifecycle: must outlive the Router it adds its routes to; the worker and the writer must
// outlive it.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/trust/signer.hpp"
#include "service/http/inbox_sink.hpp"
#include "service/http/read_jobs.hpp"
#include "service/http/registration_filter.hpp"
#include "service/http/router.hpp"
#include "workflows/commands.hpp"
#include "workflows/definition.hpp"
#include "workflows/state.hpp"

namespace enroll::http {

// The body of an operator action by `who` (the bearer token's operator); throws RequestError
// 400 bad_request naming what is wrong (not a JSON object, a missing or empty field, a field of
// the wrong type or unknown, to_step given to another action than a rewind), or 403
// operator_mismatch when "operator" names someone else than `who`: the request is well formed
// and authenticated, but its sender may not act as another (an attempt to be logged as one, not
// a typo to fix). The action's operator_id is `who`.
OperatorAction parse_operator_body(std::string_view body, CommandType action,
                                   const trust::OperatorId& who);

// The body's "query", if any: the filter the registration must still match. Throws
// RequestError 400 bad_request (not a string, too long, a bad escape or an unknown key),
// bad_filter or bad_duration (registration_filter.hpp). The body is otherwise
// parse_operator_body's to check.
std::optional<redis::ListFilter> parse_action_condition(std::string_view body,
                                                        const FilterNames& names, Timestamp now);

// Why the registration's state or channel definition makes the action impossible, as the
// API's error (409 registration_ended, rewind_forward, definition_not_loaded; 400
// unknown_step); nullopt when it may go to the inbox. The engine's own rules, checked early.
std::optional<Response> refuse_operator_action(const Registration& registration,
                                               const DefinitionCatalog& catalog, CommandType action,
                                               const OperatorAction& request);

// The inbox message: a CloudEvent of type operator.<action>, id `command_id`, source
// /enrollmentd/operator, subject the registration, signed by `signer` (operator-api's).
nlohmann::json operator_event(const std::string& command_id, CommandType action,
                              const RegistrationId& id, const OperatorAction& request,
                              Timestamp now, const trust::Signer& signer);

// Throws RequestError 400 bad_request unless `key` is 1 to 128 visible ASCII characters.
void check_idempotency_key(std::string_view key);

// "op/" and 32 random hex digits.
std::string new_command_id();
// With the client's Idempotency-Key: "op/" and 32 hex digits of SHA-256 over the registration,
// the action, the operator and the key, so that a repeated POST is the same command, which the
// engine applies once (duplicate ids are ignored), and another operator's POST with the same
// key is not. Throws RequestError 400 bad_request unless the key is 1 to 128 visible ASCII
// characters.
std::string command_id_for(const RegistrationId& id, CommandType action,
                           const trust::OperatorId& who, std::string_view key);

class OperatorApi {
 public:
  OperatorApi(const DefinitionCatalog& catalog, ReadJobs& worker, InboxSink& writer,
              const trust::Signer& signer);
  void add_routes(Router& router);
  // One action, as its route serves it (also for BulkApi's jobs): the request's params["id"],
  // body, operator_id and idempotency_key; answered through `respond`, from the worker's or
  // the writer's thread. Throws RequestError for what is wrong with the request itself.
  void act(CommandType action, const Request& request, Respond respond);

 private:
  const DefinitionCatalog& catalog_;
  ReadJobs& worker_;
  InboxSink& writer_;
  const trust::Signer& signer_;
  FilterNames names_;  // of the catalog: what a "query" may name
};

}  // namespace enroll::http
