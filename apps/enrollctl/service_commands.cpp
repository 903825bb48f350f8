#include "apps/enrollctl/service_commands.hpp"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <utility>
#include <vector>

#include "adapters/keys/keys.hpp"
#include "adapters/trust/operator_tokens.hpp"
#include "errors/errc.hpp"
#include "workflows/crypto/random.hpp"
#include "workflows/reason.hpp"

namespace enroll::ctl {
namespace {

using nlohmann::json;

std::string text_of(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (auto reason = reason_text(v); !reason.empty()) return reason;  // {"code", "detail"}
  return v.dump();
}

void print_status(const json& v) {
  const auto row = [](const std::string& name, const std::string& value) {
    std::cout << "  " << std::left << std::setw(14) << name << value << "\n";
  };
  // A purged registration (a tombstone) has only some of the fields.
  const auto field = [&v](const char* name) { return text_of(v.value(name, json())); };
  std::cout << "registration " << field("id") << "\n";
  row("channel", field("channel") + " v" + field("definition_version"));
  row("status", field("status"));
  row("phase", field("phase"));
  row("step", v.contains("stage")
                  ? field("step") + " (" + field("stage") + ", attempt " + field("attempt") + ")"
                  : field("step"));
  for (const char* name : {"step_deadline", "step_reason", "locked_step", "hand_over_channel",
                           "reason", "citizen_id"}) {
    if (field(name) != "-") row(name, field(name));
  }
  if (const auto incident = v.value("incident", json()); incident.is_object()) {
    row("incident", text_of(incident.value("task", json())) + ": " +
                        text_of(incident.value("error", json())) + " after " +
                        text_of(incident.value("attempts", json())) + " attempts, since " +
                        text_of(incident.value("since", json())) +
                        " (enrollctl retry ID --reason R resumes it)");
  }
  row("created", field("created_at"));
  row("updated", field("updated_at"));
  row("expires", field("expires_at"));
  row("audit", field("audit_records") + " records, state version " + field("state_version"));
  if (field("purged_at") != "-") {
    row("purged", field("purged_at") + " (retention: history gone, trail on enroll.audit)");
  }
}

}  // namespace

ServiceClient client_of(const ServiceOptions& service) {
  client::ServiceUrl url;
  try {
    url = parse_service_url(service.url);
  } catch (const Error& e) {  // bad_url
    throw ServiceUsageError(e.what());
  }
  return ServiceClient(std::move(url), bearer_token(service), service.ca_file);
}

int refused(const GlobalOptions& options, const ServiceResponse& r) {
  if (options.json) {
    const auto body = r.json();
    const auto error = body.is_object() && body.contains("error") ? body["error"] : json(r.body);
    std::cout << json{{"status", r.status}, {"error", error}}.dump() << "\n";
  } else {
    std::cerr << "enrollctl: " << r.error_text() << "\n";
  }
  return 1;
}

ServiceResponse fetch_history(const ServiceClient& client, const std::string& id, json& records) {
  std::string cursor;
  for (;;) {  // every page
    auto r = client.get("/v1/registrations/" + url_encode(id) + "/history?limit=1000" +
                        (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    if (r.status != 200) return r;
    const auto page = r.json();
    for (const auto& rec : page.at("records")) records.push_back(rec);
    if (page.at("next_cursor").is_null()) return r;
    cursor = page.at("next_cursor").get<std::string>();
  }
}

int run_status(const GlobalOptions& options, const ServiceOptions& service, const std::string& id) {
  const auto r = client_of(service).get("/v1/registrations/" + url_encode(id));
  if (r.status != 200) return refused(options, r);
  if (options.json) {
    std::cout << r.json().dump() << "\n";
  } else {
    print_status(r.json());
  }
  return 0;
}

// Who acted: "<principal>", with "/officer:<id>" or "/operator:<id>" for the person acting
// through it; a record from before issue 13 names "<kind>:<id>".
std::string actor_text(const json& actor) {
  if (!actor.is_object()) return text_of(actor);
  if (!actor.contains("principal")) {
    return text_of(actor.value("kind", json())) + ":" + text_of(actor.value("id", json()));
  }
  std::string out = text_of(actor.value("principal", json()));
  if (actor.contains("officer")) out += "/officer:" + text_of(actor.value("officer", json()));
  if (actor.contains("operator")) out += "/operator:" + text_of(actor.value("operator", json()));
  return out;
}

int run_history(const GlobalOptions& options, const ServiceOptions& service,
                const std::string& id) {
  json records = json::array();
  const auto r = fetch_history(client_of(service), id, records);
  if (r.status != 200) return refused(options, r);
  const json total = r.json().at("total");
  if (options.json) {
    std::cout << json{{"registration_id", id}, {"total", total}, {"records", records}}.dump()
              << "\n";
    return 0;
  }
  for (const auto& rec : records) {
    std::cout << std::right << std::setw(4) << text_of(rec["seq"]) << "  " << text_of(rec["at"])
              << "  " << actor_text(rec.value("actor", json::object())) << "  "
              << text_of(rec["from"]) << " -> " << text_of(rec["to"]) << "  "
              << text_of(rec["outcome"]) << "\n";
  }
  std::cout << records.size() << " record(s)\n";
  return 0;
}

int run_list(const GlobalOptions& options, const ServiceOptions& service,
             const ListFilters& filters) {
  const auto client = client_of(service);
  std::string query;
  const std::vector<std::pair<std::string, std::string>> given{{"phase", filters.phase},
                                                               {"status", filters.status},
                                                               {"channel", filters.channel},
                                                               {"step", filters.step},
                                                               {"stuck_for", filters.stuck_for}};
  for (const auto& [name, value] : given) {
    if (!value.empty()) query += "&" + name + "=" + url_encode(value);
  }
  json items = json::array();
  json next;
  std::string cursor;
  while (items.size() < filters.limit) {
    const auto page_size = std::min<std::size_t>(filters.limit - items.size(), 1000);
    const auto r = client.get("/v1/registrations?limit=" + std::to_string(page_size) + query +
                              (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    if (r.status != 200) return refused(options, r);
    const auto page = r.json();
    for (const auto& item : page.at("items")) items.push_back(item);
    next = page.at("next_cursor");
    if (next.is_null()) break;
    cursor = next.get<std::string>();
  }
  if (options.json) {
    std::cout << json{{"items", items}, {"next_cursor", next}}.dump() << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(40) << "ID" << std::setw(18) << "CHANNEL" << std::setw(17)
            << "PHASE" << std::setw(12) << "STATUS" << std::setw(20) << "STEP"
            << "UPDATED\n";
  for (const auto& item : items) {
    std::cout << std::left << std::setw(40) << text_of(item["id"]) << std::setw(18)
              << text_of(item["channel"]) << std::setw(17) << text_of(item["phase"])
              << std::setw(12) << text_of(item["status"]) << std::setw(20)
              << text_of(item.value("step", json())) << text_of(item["updated_at"]) << "\n";
  }
  std::cout << items.size() << " registration(s)"
            << (next.is_null() ? "" : " (more: raise --limit)") << "\n";
  return 0;
}

std::string bearer_token(const ServiceOptions& service) {
  if (!service.token.empty()) return service.token;
  try {
    if (!service.token_file.empty()) return trust::load_token_file(service.token_file);
    if (!service.keys.empty()) return trust::load_demo_operator_token(service.keys);
  } catch (const KeysError& e) {
    throw ServiceUsageError(e.what());
  }
  throw ServiceUsageError(
      "a bearer token is needed (a reader's for reads, an operator's for actions): "
      "--token-file F, or --keys DIR for its demo operator-1.token (or --token T)");
}

int run_action(const GlobalOptions& options, const ServiceOptions& service,
               const std::string& action, const std::string& id, const std::string& reason,
               const std::string& to_step) {
  const auto client = client_of(service);
  // Who acts is the token's operator: enrollmentd takes it from the token, not from the body.
  json body{{"reason", reason}};
  if (action == "rewind") body["to_step"] = to_step;
  // The same key makes a repeat the same command (applied once), so an answer that was lost
  // or unsure can be asked again safely.
  const auto key = service.idempotency_key.empty() ? "enrollctl-" + crypto::random_hex(16)
                                                   : service.idempotency_key;
  const auto repeat =
      "to repeat it safely: enrollctl " + action + " " + id + " --idempotency-key " + key + " ...";
  ServiceResponse r;
  try {
    r = client.post("/v1/registrations/" + url_encode(id) + "/" + action, body, key);
  } catch (const ServiceUnreachable& e) {
    throw ServiceUnreachable(std::string(e.what()) + "; " + repeat);
  }
  if (r.status != 202) {
    const int rc = refused(options, r);
    if (r.status >= 500 && !options.json) std::cerr << "enrollctl: " << repeat << "\n";
    return rc;
  }
  const auto accepted = r.json();
  if (options.json) {
    std::cout << accepted.dump() << "\n";
  } else {
    std::cout << action << " of " << id << " accepted as " << text_of(accepted["command_id"])
              << "; enrollmentd applies it in order (see: enrollctl status " << id << ")\n";
  }
  return 0;
}

}  // namespace enroll::ctl
