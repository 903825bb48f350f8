#pragma once
// enrollctl audit verify: recomputes audit chains and names the first broken link, from a file
// of exported enroll.audit records or from the histories enrollmentd keeps in Redis.
#include <optional>
#include <string>

#include "apps/enrollctl/service_commands.hpp"
#include "apps/enrollctl/workflow_commands.hpp"

namespace enroll::ctl {

// `file`: exported enroll.audit records, one CloudEvent (JSON) per line. `id`: only that
// registration. Exit code: 0 intact, 1 broken or not found.
int run_audit_verify_file(const GlobalOptions& options, const std::string& file,
                          const std::optional<std::string>& id);

// The histories in Redis, read through enrollmentd's API (`id`, or every registration of the
// listing). Besides each chain, the registration's state must agree with its history: as many
// records as the state counts, the last of them the state's audit head (a chain cut short or
// rewritten from some record on would still link). Exit code: 0 intact, 1 broken, not found or
// unreachable.
int run_audit_verify_service(const GlobalOptions& options, const ServiceOptions& service,
                             const std::optional<std::string>& id);

}  // namespace enroll::ctl
