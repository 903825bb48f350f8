#pragma once
// The commands that talk to a running enrollmentd over its HTTP API: status, history, list
// (reads, with a reader's or an operator's bearer token) and retry, rewind, cancel (operator
// actions, with the operator's own bearer token, which names who acts).
// Each returns the exit code: 0 ok, 1 not found / refused / unreachable. Human text by
// default; with --json, the API's JSON body (or {"status", "error"}) on stdout.
#include <optional>
#include <string>

#include "adapters/service_client/service_client.hpp"
#include "apps/enrollctl/workflow_commands.hpp"

namespace enroll::ctl {

// The API's client (shared with the channel back-ends: adapters/service_client/).
using client::parse_service_url;
using client::ServiceClient;
using client::ServiceResponse;
using client::ServiceUnreachable;
using client::url_encode;

struct ServiceOptions {
  std::string url = "http://127.0.0.1:8080";  // --url / ENROLL_URL
  std::string ca_file;                        // --ca-file / ENROLL_CA_FILE (https://)
  std::string token;                          // --token / ENROLL_OPERATOR_TOKEN
  std::string token_file;                     // --token-file / ENROLL_TOKEN_FILE
  std::string keys;  // --keys / ENROLL_KEYS: the demo operator's token (operator-1.token)
  std::string idempotency_key;  // --idempotency-key; default: a fresh one per call
};

struct ListFilters {
  std::string phase, status, channel, step, stuck_for;
  std::size_t limit = 100;  // rows at most (pages of the API are followed up to this)
};

// A usage problem found after parsing (no token, a bad --url): exit 2.
class ServiceUsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every audit record of registration `id`, oldest first, following the history's pages into
// `records`. Returns the answer that ended the walk: status 200 when complete.
ServiceResponse fetch_history(const ServiceClient& client, const std::string& id,
                              nlohmann::json& records);
// The client for --url with the bearer token (a bad URL, then no token: a ServiceUsageError).
ServiceClient client_of(const ServiceOptions& service);
// The bearer token every service command sends: --token, else the one in --token-file, else
// the demo operator's of --keys; a ServiceUsageError when there is none or a file is bad. The
// service decides what it may do (a reader's reads, an operator's also acts).
std::string bearer_token(const ServiceOptions& service);
// An answer other than 2xx: said on stderr (or as JSON on stdout); returns exit code 1.
int refused(const GlobalOptions& options, const ServiceResponse& r);

int run_status(const GlobalOptions& options, const ServiceOptions& service, const std::string& id);
int run_history(const GlobalOptions& options, const ServiceOptions& service, const std::string& id);
int run_list(const GlobalOptions& options, const ServiceOptions& service,
             const ListFilters& filters);
// `action`: retry, rewind or cancel; `to_step` for a rewind.
int run_action(const GlobalOptions& options, const ServiceOptions& service,
               const std::string& action, const std::string& id, const std::string& reason,
               const std::string& to_step);

}  // namespace enroll::ctl
