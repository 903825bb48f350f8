// enroll-keygen DIR [--force] [--high-volume-alg ALG]: writes a fresh key folder (the
// ENROLL_KEYS of enrollmentd), with the inbox's trust file and its principals' signing keys, and
// the operator file with one demo operator; --rotate and --revoke change the trust file of an
// existing folder, --add-operator, --add-reader and --revoke-operator its operator file,
// --rotate-key a new version of a keyring (keys.hpp's keyring_kinds) and --retire-key-before its
// older ones,
// --http-certificate
// a self-signed HTTPS certificate and key for the HTTP API (demo and tests).
#include <CLI/CLI.hpp>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "adapters/codec/known_tasks.hpp"
#include "adapters/keys/http_tls.hpp"
#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/keys/seal_publisher.hpp"
#include "adapters/trust/operator_tokens.hpp"
#include "adapters/trust/provisioning.hpp"
#include "adapters/trust/signer.hpp"
#include "adapters/trust/signing_key.hpp"

namespace {

namespace fs = std::filesystem;
using namespace enroll;

// A new folder: the engine's keys, then trust.json and one signing key per default principal.
void generate(const fs::path& dir, bool force, trust::Alg high_volume) {
  std::error_code ec;
  if (!force &&
      fs::symlink_status(dir / trust::kTrustFileName, ec).type() != fs::file_type::not_found) {
    throw KeysError("refusing to overwrite existing trust file " +
                    quoted(dir / trust::kTrustFileName));
  }
  trust::provision_key_folder(dir, codec::known_tasks(), trust::system_now(), force, high_volume);
}

void rotate(const fs::path& dir, const std::string& principal, int overlap_days) {
  trust::TrustFile t = trust::load_trust_file(dir);
  // A signing key file left over (a folder made again with --force) keeps its id.
  const auto taken = [&dir](const trust::KeyId& id) {
    std::error_code ec;
    return fs::symlink_status(trust::SigningKey::file(dir, id), ec).type() !=
           fs::file_type::not_found;
  };
  const trust::NewKey fresh = trust::rotate(t, PrincipalName(principal), trust::system_now(),
                                            std::chrono::hours(24) * overlap_days, taken);
  trust::write_signing_key(dir, fresh.key.id, fresh.secret);
  trust::write_trust_file(dir, t);
  std::cout << "new key " << fresh.key.id.str() << " for " << principal
            << "; the older keys end in " << overlap_days << " days\n";
}

void rotate_keyring(const fs::path& dir, const std::string& purpose) {
  const KeyringKind* kind = find_keyring_kind(purpose);
  if (kind == nullptr) throw KeysError("no keyring " + purpose + " (see --help)");
  const std::string id = kind->add_version(dir);
  std::cout << "keyring " << purpose << ": " << id
            << " is current (restart enrollmentd to use it); " << kind->rotation << '\n';
}

// "<purpose>-<n>": the versions of <purpose> below n go.
void retire_keyring(const fs::path& dir, const std::string& id) {
  const auto dash = id.rfind('-');
  unsigned n = 0;
  const char* end = id.data() + id.size();
  if (dash == std::string::npos || std::from_chars(id.data() + dash + 1, end, n).ptr != end ||
      n == 0 || find_keyring_kind(id.substr(0, dash)) == nullptr) {
    throw KeysError("--retire-key-before wants a keyring version such as passcode_pepper-3, not '" +
                    id + "'");
  }
  const std::size_t removed = retire_key_versions(dir, id.substr(0, dash), n);
  std::cout << "keyring " << id.substr(0, dash) << ": " << removed
            << " older version(s) deleted (restart enrollmentd)\n";
}

void revoke(const fs::path& dir, const std::string& key_id) {
  trust::TrustFile t = trust::load_trust_file(dir);
  trust::revoke(t, trust::KeyId(key_id), trust::system_now());
  trust::write_trust_file(dir, t);
  std::cout << "key " << key_id << " revoked from now on (restart enrollmentd to apply)\n";
}

// A new operator or reader: only the token's hash is written; the token goes to stdout, once.
void add_operator(const fs::path& dir, const std::string& id, trust::TokenRole role) {
  std::error_code ec;
  // A folder made before operators had their own tokens has no operator file yet.
  trust::OperatorFile file;
  if (fs::symlink_status(dir / trust::kOperatorFileName, ec).type() != fs::file_type::not_found) {
    file = trust::load_operator_file(dir);
  } else if (!fs::is_directory(dir, ec)) {
    throw KeysError("no key folder " + quoted(dir));
  }
  const trust::NewOperator fresh =
      trust::add_operator(file, trust::OperatorId(id), trust::system_now(), role);
  trust::write_operator_file(dir, file);
  std::cerr << trust::to_string(role) << " " << id
            << " added; their token (on stdout) is shown only now: hand it to them (enrollctl "
            << "--token-file, or the dashboard's sign-in"
            << (role == trust::TokenRole::reader ? "; it reads, never acts" : "")
            << "); restart enrollmentd to apply\n";
  std::cout << fresh.token.view() << '\n';
}

void revoke_operator(const fs::path& dir, const std::string& id) {
  trust::OperatorFile file = trust::load_operator_file(dir);
  trust::revoke_operator(file, trust::OperatorId(id), trust::system_now());
  trust::write_operator_file(dir, file);
  std::cout << trust::to_string(file.find(trust::OperatorId(id))->role) << " " << id
            << " revoked from now on (restart enrollmentd to apply)\n";
}

int run(int argc, char** argv) {
  CLI::App app{
      "Generate the orchestrator's key folder (passcode sealing key pair, MAC and hashing keys, "
      "the inbox's trust.json with a signing key per principal in signing/, and operators.json "
      "with the demo operator operator-1 and the demo reader reader-1, whose tokens are in "
      "operator-1.token and reader-1.token), or in an existing folder rotate or revoke an inbox "
      "signing key, add an operator or a reader or revoke one. Operator and reader ids: 1 to 64 "
      "of A-Z a-z 0-9 . _ - (not . or ..), never reused."};
  std::string dir;
  bool force = false;
  std::string rotate_principal;
  std::string revoke_key;
  std::string add_operator_id;
  std::string add_reader_id;
  std::string revoke_operator_id;
  int overlap_days = 7;
  std::string rotate_key;
  std::string retire_before;
  std::string high_volume_alg(trust::alg_name(trust::Alg::hmac_sha256));
  app.add_option("DIR", dir, "folder to write the keys into (created if missing)")->required();
  auto* force_flag = app.add_flag("--force", force, "replace existing key files");
  auto* rotate_opt = app.add_option("--rotate", rotate_principal,
                                    "give PRINCIPAL a new signing key; its older keys stay "
                                    "valid until the overlap ends")
                         ->option_text("PRINCIPAL");
  app.add_option("--overlap-days", overlap_days, "with --rotate: days the older keys stay valid")
      ->check(CLI::Range(0, 3650))
      ->needs(rotate_opt);
  auto* revoke_opt =
      app.add_option("--revoke", revoke_key,
                     "revoke signing key KEYID from now on (revoked_at in trust.json)")
          ->option_text("KEYID")
          ->excludes(rotate_opt)
          ->excludes(force_flag);
  rotate_opt->excludes(force_flag);
  auto* add_op = app.add_option("--add-operator", add_operator_id,
                                "add operator ID to operators.json (its token's hash only); "
                                "prints the new token on stdout, once")
                     ->option_text("ID");
  auto* add_reader = app.add_option("--add-reader", add_reader_id,
                                    "add reader ID to operators.json (role reader: reads /v1, "
                                    "never acts); prints the new token on stdout, once")
                         ->option_text("ID");
  auto* revoke_op =
      app.add_option("--revoke-operator", revoke_operator_id,
                     "revoke operator or reader ID from now on (revoked_at in operators.json)")
          ->option_text("ID");
  std::string kinds;
  for (const KeyringKind& k : keyring_kinds())
    kinds += (kinds.empty() ? "" : ", ") + std::string(k.purpose);
  auto* rotate_key_opt =
      app.add_option("--rotate-key", rotate_key,
                     "add a new version of keyring PURPOSE (" + kinds +
                         "), which becomes current; older versions stay readable until retired")
          ->option_text("PURPOSE");
  auto* retire_opt =
      app.add_option("--retire-key-before", retire_before,
                     "delete the versions of a keyring older than ID (e.g. passcode_pepper-3); "
                     "never the current one")
          ->option_text("ID");
  std::vector<std::string> tls_names;
  auto* tls_opt =
      app.add_option("--http-certificate", tls_names,
                     "write a self-signed certificate for these host names or addresses "
                     "(http/tls.crt, http/tls.key 0600: enrollmentd then serves HTTPS; clients "
                     "trust http/tls.crt, e.g. enrollctl --ca-file). For a demo or a test: a "
                     "deployment's certificate comes from its CA")
          ->option_text("HOST,...")
          ->delimiter(',');
  // One change at a time.
  for (auto* o : {add_op, add_reader, revoke_op, rotate_key_opt, retire_opt, tls_opt})
    o->excludes(rotate_opt)->excludes(force_flag)->excludes(revoke_opt);
  add_op->excludes(revoke_op)->excludes(add_reader);
  add_reader->excludes(revoke_op);
  for (auto* o : {add_op, add_reader, revoke_op})
    o->excludes(rotate_key_opt)->excludes(retire_opt)->excludes(tls_opt);
  rotate_key_opt->excludes(retire_opt);
  tls_opt->excludes(rotate_key_opt)->excludes(retire_opt);
  app.add_option("--high-volume-alg", high_volume_alg,
                 "algorithm of the channel back-ends', connectors' and enrollmentd's first keys "
                 "(officer consoles and the operator side always sign with ed25519)")
      ->check(CLI::IsMember({std::string(trust::alg_name(trust::Alg::hmac_sha256)),
                             std::string(trust::alg_name(trust::Alg::ed25519))}))
      ->excludes(rotate_opt)
      ->excludes(revoke_opt)
      ->excludes(add_op)
      ->excludes(add_reader)
      ->excludes(revoke_op);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the problem and the usage hint
    return 2;
  }
  try {
    if (!rotate_principal.empty()) {
      rotate(dir, rotate_principal, overlap_days);
      return 0;
    }
    if (!revoke_key.empty()) {
      revoke(dir, revoke_key);
      return 0;
    }
    if (add_op->count() > 0) {
      add_operator(dir, add_operator_id, trust::TokenRole::operator_);
      return 0;
    }
    if (add_reader->count() > 0) {
      add_operator(dir, add_reader_id, trust::TokenRole::reader);
      return 0;
    }
    if (rotate_key_opt->count() > 0) {
      rotate_keyring(dir, rotate_key);
      return 0;
    }
    if (retire_opt->count() > 0) {
      retire_keyring(dir, retire_before);
      return 0;
    }
    if (revoke_op->count() > 0) {
      revoke_operator(dir, revoke_operator_id);
      return 0;
    }
    if (!tls_names.empty()) {
      make_self_signed_http_tls(dir, tls_names);
      std::cout << http_tls_certificate(dir).string() << '\n';
      return 0;
    }
    generate(dir, force, *trust::alg_from_name(high_volume_alg));
  } catch (const std::exception& e) {
    std::cerr << "enroll-keygen: " << e.what() << '\n';
    return 1;
  }
  std::cout << "keys written to " << fs::absolute(dir).string() << "; the demo operator "
            << trust::kDemoOperator << "'s token is in "
            << trust::demo_token_file(fs::absolute(dir)).string()
            << " (for enrollctl --keys), the demo reader " << trust::kDemoReader << "'s in "
            << trust::demo_token_file(fs::absolute(dir), trust::kDemoReader).string()
            << " (to sign in to the dashboard); move both off a production host\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // setting up the command line (CLI11), printing
    std::cerr << "enroll-keygen: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "enroll-keygen: unknown error\n";
  }
  return 1;
}
