// enrollctl: the operator's CLI. Exit codes (contract): 0 ok, 1 not found / check failed /
// refused, 2 usage. `--json` puts one JSON object on stdout instead of human text.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <optional>

#include "apps/enrollctl/audit_commands.hpp"
#include "apps/enrollctl/bulk_commands.hpp"
#include "apps/enrollctl/rekey_command.hpp"
#include "apps/enrollctl/service_commands.hpp"
#include "apps/enrollctl/workflow_commands.hpp"

using namespace enroll::ctl;

int main(int argc, char** argv) {
  CLI::App app{"enrollctl: the operator's CLI for enroll", "enrollctl"};
  // Global flags may also follow the subcommands: `enrollctl workflows check F --json`.
  app.fallthrough();
  app.footer(
      "Exit codes: 0 ok; 1 not found, check failed, chain broken, refused or unreachable;\n"
      "2 usage. Service commands talk to enrollmentd at --url (ENROLL_URL).");
  GlobalOptions options;
  options.workflows = ENROLL_DEFAULT_WORKFLOWS;
  app.add_flag("--json", options.json, "machine output: one JSON object on stdout");
  app.add_option("--workflows", options.workflows, "folder of channel definitions (*.json)")
      ->envname("ENROLL_WORKFLOWS")
      ->capture_default_str();

  // A running enrollmentd (status, history, list, count, retry, rewind, cancel).
  ServiceOptions service;
  app.add_option("--url", service.url,
                 "enrollmentd's HTTP API (http:// on loopback, else https://)")
      ->envname("ENROLL_URL")
      ->capture_default_str();
  app.add_option("--ca-file", service.ca_file,
                 "PEM file of the CAs that sign an https:// server's certificate (default: the "
                 "system's; for enroll-keygen's self-signed one, its http/tls.crt)")
      ->envname("ENROLL_CA_FILE");
  // Every service command sends a bearer token: a reader's reads, an operator's also acts.
  auto* token_opt =
      app.add_option("--token", service.token,
                     "your operator or reader token (from enroll-keygen --add-operator or\n"
                     "--add-reader): it says who reads or acts")
          ->envname("ENROLL_OPERATOR_TOKEN");
  app.add_option("--token-file", service.token_file,
                 "a file holding your token (mode 0600, as enroll-keygen's reader-1.token),\n"
                 "for reads and actions")
      ->envname("ENROLL_TOKEN_FILE")
      ->excludes(token_opt);
  app.add_option("--keys", service.keys,
                 "key folder: else the demo operator's token from its operator-1.token; for\n"
                 "rekey, the field keyring and redis.password")
      ->envname("ENROLL_KEYS");

  std::string id;
  auto* status = app.add_subcommand("status", "where a registration stands");
  status->add_option("ID", id, "the registration")->required();
  auto* history = app.add_subcommand("history", "a registration's audit records, oldest first");
  history->add_option("ID", id, "the registration")->required();
  ListFilters filters;
  auto* list = app.add_subcommand("list", "registrations matching every filter given");
  list->add_option("--phase", filters.phase, "consent, card, review, biometrics, pin, ...");
  list->add_option("--status", filters.status,
                   "active, issued, rejected, expired, cancelled, locked, quarantined");
  list->add_option("--channel", filters.channel, "a channel");
  list->add_option("--step", filters.step, "the current step (a step name of a definition)");
  list->add_option("--stuck-for", filters.stuck_for,
                   "no change for longer than this (90s, 15m, 2h, 1d); active unless --status");
  list->add_option("--limit", filters.limit, "rows at most")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  BulkOptions bulk;
  const std::string query_help =
      "the registrations matching this query (the listing's filters):\n"
      "'status=incident&step=verify-card&channel=self-service' (keys phase, status,\n"
      "channel, step, stuck_for)";
  auto* count = app.add_subcommand("count", "how many registrations match a query");
  count->add_option("--query", bulk.query, query_help)->required();
  std::string reason, to_step;
  auto* retry = app.add_subcommand(
      "retry", "re-enter the current step (unlocks a locked one): one registration, or --query");
  auto* rewind = app.add_subcommand("rewind", "re-enter an earlier step, forgetting from there");
  auto* cancel = app.add_subcommand(
      "cancel", "end an active or locked registration: one, or every one of --query");
  rewind->add_option("ID", id, "the registration")->required();
  for (auto* action : {retry, cancel}) {
    auto* one = action->add_option("ID", id, "the registration");
    auto* many = action->add_option("--query", bulk.query, query_help);
    one->excludes(many);
    action->add_flag("--yes", bulk.yes, "with --query: act without asking for confirmation")
        ->needs(many);
    action->add_option("--rate", bulk.rate, "with --query: actions per second at most")
        ->capture_default_str()
        ->needs(many);
  }
  for (auto* action : {retry, rewind, cancel}) {
    action->add_option("--reason", reason, "why (audited)")->required();
  }
  rewind->add_option("--to", to_step, "the step to go back to")->required();
  for (auto* action : {retry, rewind, cancel}) {
    action->add_option("--idempotency-key", service.idempotency_key,
                       "repeat an action (or a --query run) whose answer was lost: the same\n"
                       "key is the same command(s), applied once (default: a fresh key,\n"
                       "printed on failure, and for a --query run at its start)");
  }

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
                   "exported enroll.audit records, one CloudEvent (JSON) per line\n"
                   "(default: the histories in Redis, through enrollmentd at --url)")
      ->check(CLI::ExistingFile);
  std::vector<std::string> checkpoint_keys;
  verify
      ->add_option("--checkpoint-key", checkpoint_keys,
                   "the public half of an audit checkpoint key (audit_checkpoint-<n>.pub, from\n"
                   "enroll-keygen; repeat for each version): with --file, also checks the\n"
                   "signed checkpoints and that they anchor every chain")
      ->check(CLI::ExistingFile);

  RekeyOptions rekey_options;
  auto* rekey = app.add_subcommand(
      "rekey",
      "reseal the personal fields of every stored registration with the current version of\n"
      "the key folder's field keyring (after enroll-keygen --rotate-key field and a restart of\n"
      "every enrollmentd), beside the running service; then retire the older versions");
  rekey->add_option("--redis", rekey_options.redis_url, "enrollmentd's Redis URL (its `redis`)")
      ->envname("ENROLL_REDIS")
      ->required();
  rekey
      ->add_option("--redis-namespace", rekey_options.redis_namespace,
                   "enrollmentd's redis_namespace")
      ->envname("ENROLL_REDIS_NAMESPACE")
      ->capture_default_str();
  rekey->add_option("--rate", rekey_options.rate, "registrations per second at most")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  rekey->add_flag("--dry-run", rekey_options.dry_run,
                  "count what would be resealed; write nothing");

  // The subcommands are required by hand, after parsing: CLI11 reports a missing
  // subcommand before an unknown flag, which would hide the real mistake.
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) throw CLI::RequiredError("a subcommand");
    if (workflows->parsed() && !check->parsed() && !graph->parsed())
      throw CLI::RequiredError("a workflows subcommand (check or graph)");
    if (audit->parsed() && !verify->parsed())
      throw CLI::RequiredError("an audit subcommand (verify)");
    if (rekey->parsed() && service.keys.empty())
      throw CLI::RequiredError("--keys (the key folder with the field keyring)");
    for (auto* action : {retry, cancel}) {
      if (action->parsed() && id.empty() && bulk.query.empty())
        throw CLI::RequiredError("ID or --query");
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // help() shows the deepest subcommand that was recognised.
    std::cerr << "enrollctl: " << e.what() << "\n\n" << app.help();
    return 2;
  }

  try {
    if (status->parsed()) return run_status(options, service, id);
    if (history->parsed()) return run_history(options, service, id);
    if (list->parsed()) return run_list(options, service, filters);
    bulk.reason = reason;
    if (count->parsed()) return run_count(options, service, bulk.query);
    if (retry->parsed()) {
      return bulk.query.empty() ? run_action(options, service, "retry", id, reason, {})
                                : run_bulk(options, service, "retry", bulk);
    }
    if (rewind->parsed()) return run_action(options, service, "rewind", id, reason, to_step);
    if (cancel->parsed()) {
      return bulk.query.empty() ? run_action(options, service, "cancel", id, reason, {})
                                : run_bulk(options, service, "cancel", bulk);
    }
    if (rekey->parsed()) {
      rekey_options.keys = service.keys;
      return run_rekey(options, rekey_options);
    }
    if (check->parsed()) return run_check(options, file);
    if (graph->parsed()) return run_graph(options, name, format);
    if (verify->parsed()) {
      return audit_file.empty()
                 ? run_audit_verify_service(options, service, audit_id)
                 : run_audit_verify_file(options, audit_file, audit_id, checkpoint_keys);
    }
  } catch (const ServiceUsageError& e) {
    std::cerr << "enrollctl: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {  // also ServiceUnreachable
    std::cerr << "enrollctl: " << e.what() << "\n";
    return 1;
  }
  return 2;  // unreachable: a subcommand is required
}
