#pragma once
// enrollctl audit verify: recomputes audit chains and names the first broken link, from a file
// of exported enroll.audit records or from the histories enrollmentd keeps in Redis.
#include <optional>
#include <string>
#include <vector>

#include "apps/enrollctl/service_commands.hpp"
#include "apps/enrollctl/workflow_commands.hpp"

namespace enroll::ctl {

// `file`: exported enroll.audit events (records and checkpoints), one CloudEvent (JSON) per
// line. `id`: only that registration. `checkpoint_keys`: files of the checkpoint keys' public
// halves (named <key id>.pub); with any, the checkpoints are verified and must anchor every
// chain (dropped chains, cut tails, rewritten histories named). Exit code: 0 intact, 1 broken,
// not found or not anchored.
int run_audit_verify_file(const GlobalOptions& options, const std::string& file,
                          const std::optional<std::string>& id,
                          const std::vector<std::string>& checkpoint_keys = {});

// The histories in Redis, read through enrollmentd's API (`id`, or every registration of the
// listing). Besides each chain, the registration's state must agree with its history: as many
// records as the state counts, the last of them the state's audit head (a chain cut short or
// rewritten from some record on would still link). Exit code: 0 intact, 1 broken, not found or
// unreachable.
int run_audit_verify_service(const GlobalOptions& options, const ServiceOptions& service,
                             const std::optional<std::string>& id);

}  // namespace enroll::ctl
