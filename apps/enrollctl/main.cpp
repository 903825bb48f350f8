// enrollctl: the operator's CLI. Exit codes (contract): 0 ok, 1 not found / check failed,
// 2 usage. `--json` puts one JSON object on stdout instead of human text.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <optional>

#include "apps/enrollctl/audit_commands.hpp"
#include "apps/enrollctl/workflow_commands.hpp"

using namespace enroll::ctl;

int main(int argc, char** argv) {
  CLI::App app{"enrollctl: the operator's CLI for enroll", "enrollctl"};
  // Global flags may also follow the subcommands: `enrollctl workflows check F --json`.
  app.fallthrough();
  GlobalOptions options;
  options.workflows = ENROLL_DEFAULT_WORKFLOWS;
  app.add_flag("--json", options.json, "machine output: one JSON object on stdout");
  app.add_option("--workflows", options.workflows, "folder of channel definitions (*.json)")
      ->envname("ENROLL_WORKFLOWS")
      ->capture_default_str();

  auto* workflows = app.add_subcommand("workflows", "check and draw channel definitions");
  std::string file;
  auto* check = workflows->add_subcommand(
      "check", "check a definition: JSON, schema, parse, transition-graph lint");
  check->add_option("FILE", file, "the channel definition (JSON)")->required();
  std::string name;
  std::string format = "mermaid";
  auto* graph =
      workflows->add_subcommand("graph", "draw the latest version of a channel's transitions");
  graph->add_option("NAME", name, "the channel")->required();
  graph->add_option("--format", format, "mermaid or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}))
      ->capture_default_str();

  auto* audit = app.add_subcommand("audit", "check the audit trail");
  std::string audit_file;
  std::optional<std::string> audit_id;
  auto* verify =
      audit->add_subcommand("verify", "recompute the hash chains and name the first broken link");
  verify->add_option("ID", audit_id, "only this registration");
  verify
      ->add_option("--file", audit_file,
                   "exported enroll.audit records, one CloudEvent (JSON) per line")
      ->required()
      ->check(CLI::ExistingFile);

  // The subcommands are required by hand, after parsing: CLI11 reports a missing
  // subcommand before an unknown flag, which would hide the real mistake.
  try {
    app.parse(argc, argv);
    if (!workflows->parsed() && !audit->parsed()) throw CLI::RequiredError("a subcommand");
    if (workflows->parsed() && !check->parsed() && !graph->parsed())
      throw CLI::RequiredError("a workflows subcommand (check or graph)");
    if (audit->parsed() && !verify->parsed())
      throw CLI::RequiredError("an audit subcommand (verify)");
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // help() shows the deepest subcommand that was recognised.
    std::cerr << "enrollctl: " << e.what() << "\n\n" << app.help();
    return 2;
  }

  try {
    if (check->parsed()) return run_check(options, file);
    if (graph->parsed()) return run_graph(options, name, format);
    if (verify->parsed()) return run_audit_verify_file(options, audit_file, audit_id);
  } catch (const std::exception& e) {
    std::cerr << "enrollctl: " << e.what() << "\n";
    return 1;
  }
  return 2;  // unreachable: a subcommand is required
}
