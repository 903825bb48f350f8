#include "service/http/operator_api.hpp"

#include <algorithm>

#include "adapters/codec/envelope.hpp"
#include "service/http/query.hpp"
#include "service/http/registration_view.hpp"
#include "workflows/crypto/hashing.hpp"
#include "workflows/crypto/random.hpp"

namespace enroll::http {
namespace {

using nlohmann::json;

constexpr std::size_t max_step = 128;
constexpr std::size_t max_reason = 1000;
constexpr std::size_t max_query = 1000;

[[noreturn]] void bad_body(const std::string& why) { throw RequestError(Errc::bad_request, why); }

// A non-empty string field of `body`, at most `max` bytes, without control characters.
std::string text_field(const json& body, const std::string& name, std::size_t max) {
  const auto it = body.find(name);
  if (it == body.end()) bad_body("the body needs \"" + name + "\"");
  if (!it->is_string()) bad_body("\"" + name + "\" must be a string");
  auto value = it->get<std::string>();
  if (value.empty()) bad_body("\"" + name + "\" must not be empty");
  if (value.size() > max) {
    bad_body("\"" + name + "\" is longer than " + std::to_string(max) + " bytes");
  }
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    bad_body("\"" + name + "\" must not hold control characters");
  }
  return value;
}

}  // namespace

OperatorAction parse_operator_body(std::string_view body, CommandType action,
                                   const trust::OperatorId& who) {
  const bool rewind = action == CommandType::operator_rewind;
  const auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) bad_body("the body must be a JSON object");
  for (const auto& [name, value] : j.items()) {
    if (name != "operator" && name != "reason" && name != "query" &&
        !(rewind && name == "to_step")) {
      bad_body("unknown field \"" + name + "\"" +
               (name == "to_step" ? std::string(" (only a rewind has one)") : std::string()));
    }
  }
  OperatorAction a;
  a.reason = text_field(j, "reason", max_reason);
  if (rewind) a.to_step = text_field(j, "to_step", max_step);
  if (const auto named = j.find("operator"); named != j.end()) {
    if (!named->is_string()) bad_body("\"operator\" must be a string");
    // Not echoed: the message names only the token's own operator.
    if (named->get_ref<const std::string&>() != who.str()) {
      throw RequestError(Errc::operator_mismatch,
                         "\"operator\" names someone else; this token is " + who.str() +
                             "'s (the operator is the token's: leave \"operator\" out)");
    }
  }
  a.operator_id = who.str();
  return a;
}

std::optional<redis::ListFilter> parse_action_condition(std::string_view body,
                                                        const FilterNames& names, Timestamp now) {
  const auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("query")) return std::nullopt;
  const auto query = parse_query(text_field(j, "query", max_query));
  reject_unknown(query, {"phase", "status", "channel", "step", "stuck_for"});
  return parse_filter(query, names, now);
}

std::optional<Response> refuse_operator_action(const Registration& s,
                                               const DefinitionCatalog& catalog, CommandType action,
                                               const OperatorAction& request) {
  const auto* def = catalog.get(s.channel, s.definition_version);
  if (def == nullptr) {
    return error_response(Errc::definition_not_loaded, "the definition " + s.channel + " v" +
                                                           std::to_string(s.definition_version) +
                                                           " of this registration is not loaded");
  }
  std::optional<std::size_t> target;
  if (action == CommandType::operator_rewind) {
    target = def->index_of(request.to_step);
    if (!target) {
      std::string steps;
      for (const auto& step : def->steps) steps += (steps.empty() ? "" : ", ") + step.name;
      return error_response(Errc::unknown_step,
                            "no step '" + request.to_step + "' in " + s.channel + " v" +
                                std::to_string(def->version) + " (steps: " + steps + ")");
    }
  }
  const bool locked = s.status() == Status::locked;
  if (!s.active() && !s.held()) {
    return error_response(
        Errc::registration_ended,
        "the registration is " + std::string(to_string(s.status())) + ": nothing to act on");
  }
  if (target) {
    const auto current = def->index_of(locked ? s.locked_step : s.step);
    if (current && *target > *current) {
      return error_response(
          Errc::rewind_forward,
          "cannot rewind forward from " + def->steps.at(*current).name + " to " + request.to_step);
    }
  }
  return std::nullopt;
}

json operator_event(const std::string& command_id, CommandType action, const RegistrationId& id,
                    const OperatorAction& request, Timestamp now, const trust::Signer& signer) {
  json data{{"operator", {{"id", request.operator_id}}}, {"reason", request.reason}};
  if (action == CommandType::operator_rewind) data["to_step"] = request.to_step;
  return codec::inbox_envelope(
      {command_id, "/enrollmentd/operator", std::string(to_string(action)), id.str(), now},
      std::move(data), signer);
}

void check_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 128 ||
      !std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
    throw RequestError(Errc::bad_request,
                       "Idempotency-Key must be 1 to 128 visible ASCII characters");
  }
}

std::string command_id_for(const RegistrationId& id, CommandType action,
                           const trust::OperatorId& who, std::string_view key) {
  check_idempotency_key(key);
  // Each part is a name or visible ASCII, none with a newline: the parts cannot run together.
  const auto digest =
      crypto::sha256_hex("operator command\n" + id.str() + "\n" + std::string(to_string(action)) +
                         "\n" + who.str() + "\n" + std::string(key));
  return "op/" + digest.substr(0, 32);
}

std::string new_command_id() { return "op/" + crypto::random_hex(16); }

OperatorApi::OperatorApi(const DefinitionCatalog& catalog, ReadJobs& worker, InboxSink& writer,
                         const trust::Signer& signer)
    : catalog_(catalog),
      worker_(worker),
      writer_(writer),
      signer_(signer),
      names_(filter_names(catalog)) {}

void OperatorApi::add_routes(Router& router) {
  for (const auto action :
       {CommandType::operator_retry, CommandType::operator_rewind, CommandType::operator_cancel}) {
    const std::string name(to_string(action).substr(std::string_view("operator.").size()));
    router.add(
        Method::post, "/v1/registrations/{id}/" + name,
        [this, action](Request& r, Respond respond) { act(action, r, std::move(respond)); },
        Access::operator_token);
  }
}

void OperatorApi::act(CommandType action, const Request& request, Respond respond) {
  if (!request.query.empty()) throw RequestError(Errc::bad_request, "no query parameters here");
  const auto id = registration_id_of(request);
  // The router has authenticated the operator: Access::operator_token.
  const auto body = parse_operator_body(request.body, action, request.operator_id);
  const auto condition = parse_action_condition(
      request.body, names_,
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  const auto command_id =
      request.idempotency_key.empty()
          ? new_command_id()
          : command_id_for(id, action, request.operator_id, request.idempotency_key);
  // 1. On the Redis worker: is there such a registration, and can the action apply?
  auto check = [this, id, action, body, command_id, condition](redis::ReadModel& m) -> Response {
    const auto found = m.registration(id);
    if (found.quarantine) return quarantined_response(id, *found.quarantine);
    if (!found.state)
      return error_response(Errc::registration_not_found, "no registration " + id.str());
    if (auto refused = refuse_operator_action(*found.state, catalog_, action, body))
      return *refused;
    if (condition && !matches(*found.state, *condition)) {
      return error_response(Errc::registration_moved,
                            "the registration no longer matches the query (it is " +
                                std::string(to_string(found.state->status())) + " at step " +
                                found.state->step + ")");
    }
    return json_response(202, {{"command_id", command_id}, {"registration_id", id.str()}});
  };
  // 2. Then to the inbox; answered once Kafka has it.
  auto send = [this, id, action, body, command_id, respond = std::move(respond)](Response checked) {
    if (checked.status != 202) {
      respond(std::move(checked));
      return;
    }
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    std::string event;
    try {
      event = operator_event(command_id, action, id, body, now, signer_).dump();
    } catch (const std::exception& e) {  // no valid operator-api key now (expired, revoked)
      respond(error_response(Errc::internal, std::string("cannot sign the action: ") + e.what()));
      return;
    }
    writer_.write(id.str(), event,
                  [respond, accepted = std::move(checked)](bool ok, const std::string& error) {
                    if (ok) {
                      respond(accepted);
                    } else {
                      respond(error_response(Errc::kafka_unavailable,
                                             "the action was not confirmed by Kafka (" + error +
                                                 "); check the registration before trying again"));
                    }
                  });
  };
  worker_.submit(std::move(check), std::move(send));
}

}  // namespace enroll::http
