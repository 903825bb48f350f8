#pragma once
// Operator actions by query (issue 14): `enrollctl count --query Q` and
// `enrollctl retry|cancel --query Q --reason R [--yes] [--rate N/s] [--idempotency-key K]`.
// The query is the listing's filters as a query string, e.g.
// 'status=incident&step=verify-card&channel=self-service' (keys phase, status, channel, step,
// stuck_for; each once).
//
// A bulk action counts first (GET /v1/registrations/count), asks for confirmation unless
// --yes, gathers the matching ids (the listing's pages), then POSTs one operator action per
// registration through the ordinary route (so each goes through enroll.inbox in the
// registration's order, like a single action) at most --rate per second, with a progress line
// on stderr and a summary. Each POST carries the query: enrollmentd refuses (409
// registration_moved) one that no longer matches when it is checked. Every POST of a run
// carries the run's key as its Idempotency-Key (printed; --idempotency-key K repeats a run):
// enrollmentd derives each command's id from the key and the registration (with the action
// and the operator), so a repeated run is the same commands, applied once.
#include <string>

#include "apps/enrollctl/service_commands.hpp"

namespace enroll::ctl {

struct BulkOptions {
  std::string query;
  std::string reason;
  bool yes = false;            // --yes: no confirmation asked
  std::string rate = "200/s";  // --rate: POSTs per second at most
};

// The API's query string for `query` (percent-encoded values, in a fixed key order). Throws
// ServiceUsageError for a malformed query, an unknown or repeated key, an empty value, or a
// phase or status that the engine does not name (channels and steps are the service's to
// check: its 400 is a usage error too).
std::string api_query_of(const std::string& query);
// "N/s" or "N", N from 1 to 10,000; throws ServiceUsageError.
int rate_of(const std::string& text);

// Exit codes: 0 ok; 1 refused, unreachable, not confirmed, or (bulk) any action failed;
// 2 usage (also the service's 400 for the query).
int run_count(const GlobalOptions& options, const ServiceOptions& service,
              const std::string& query);
// `action`: retry or cancel.
int run_bulk(const GlobalOptions& options, const ServiceOptions& service, const std::string& action,
             const BulkOptions& bulk);

}  // namespace enroll::ctl
