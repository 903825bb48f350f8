#pragma once
// enrollctl audit verify: recomputes audit chains and names the first broken link.
#include <optional>
#include <string>

#include "apps/enrollctl/workflow_commands.hpp"

namespace enroll::ctl {

// `file`: exported enroll.audit records, one CloudEvent (JSON) per line. `id`: only that
// registration. Exit code: 0 intact, 1 broken or not found.
int run_audit_verify_file(const GlobalOptions& options, const std::string& file,
                          const std::optional<std::string>& id);

}  // namespace enroll::ctl
