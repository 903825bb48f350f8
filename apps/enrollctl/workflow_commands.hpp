#pragma once
// `enrollctl workflows check FILE` and `enrollctl workflows graph NAME`: each returns the
// process exit code (0 ok, 1 check failed / not found) and prints human text or, with
// --json, one JSON object on stdout.
#include <string>

namespace enroll::ctl {

struct GlobalOptions {
  bool json = false;
  std::string workflows;  // the folder of channel definitions
};

int run_check(const GlobalOptions& options, const std::string& file);
int run_graph(const GlobalOptions& options, const std::string& name, const std::string& format);

}  // namespace enroll::ctl
