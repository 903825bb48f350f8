// enroll-keygen DIR [--force] [--high-volume-alg ALG]: writes a fresh key folder (the ENROLL_KEYS
// of enrollmentd), with the inbox's trust file and its principals' signing keys; --rotate and
// --revoke change the trust file of an existing folder.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "adapters/codec/known_tasks.hpp"
#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
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

void revoke(const fs::path& dir, const std::string& key_id) {
  trust::TrustFile t = trust::load_trust_file(dir);
  trust::revoke(t, trust::KeyId(key_id), trust::system_now());
  trust::write_trust_file(dir, t);
  std::cout << "key " << key_id << " revoked from now on (restart enrollmentd to apply)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Generate the orchestrator's key folder (passcode sealing key pair, MAC and hashing keys, "
      "operator token, and the inbox's trust.json with a signing key per principal in "
      "signing/), or rotate or revoke an inbox signing key in an existing folder."};
  std::string dir;
  bool force = false;
  std::string rotate_principal;
  std::string revoke_key;
  int overlap_days = 7;
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
  app.add_option("--high-volume-alg", high_volume_alg,
                 "algorithm of the channel back-ends', connectors' and enrollmentd's first keys "
                 "(officer consoles and the operator side always sign with ed25519)")
      ->check(CLI::IsMember({std::string(trust::alg_name(trust::Alg::hmac_sha256)),
                             std::string(trust::alg_name(trust::Alg::ed25519))}))
      ->excludes(rotate_opt)
      ->excludes(revoke_opt);
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
    generate(dir, force, *trust::alg_from_name(high_volume_alg));
  } catch (const std::exception& e) {
    std::cerr << "enroll-keygen: " << e.what() << '\n';
    return 1;
  }
  std::cout << "keys written to " << fs::absolute(dir).string() << '\n';
  return 0;
}
