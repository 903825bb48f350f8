#pragma once
// enrollctl rekey: reseals the personal fields of every stored registration with the current
// version of the key folder's `field` keyring (issue 15), online, beside the running service.
// The order of a rotation: `enroll-keygen DIR --rotate-key field`, the folder copied to every
// host, every enrollmentd restarted (each must hold the new version before anything is sealed
// with it), then `enrollctl rekey`, then `enroll-keygen DIR --retire-key-before field-<n>`.
#include <filesystem>
#include <string>

#include "apps/enrollctl/workflow_commands.hpp"

namespace enroll::ctl {

struct RekeyOptions {
  std::string redis_url;       // as enrollmentd's `redis` setting
  std::filesystem::path keys;  // the key folder (the field keyring, redis.password)
  std::string redis_namespace = "enroll";
  int rate = 500;        // registrations per second at most
  bool dry_run = false;  // count what would be resealed, write nothing
};

// Walks each partition's registrations (idx:all, the ones with personal fields; a tombstone has
// none), and writes back each one whose stored bytes differ from its resealed form, only if it
// is still what was read (a compare-and-set: a commit of the running service in between wins,
// and the record is read again). Progress on stderr; exit 0 when every registration is sealed
// with the current version, 1 if one could not be (named, e.g. a record that does not decode).
int run_rekey(const GlobalOptions& options, const RekeyOptions& rekey);

}  // namespace enroll::ctl
