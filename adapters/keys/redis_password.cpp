#include "adapters/keys/redis_password.hpp"

#include <system_error>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "workflows/secret.hpp"

namespace enroll {

SecretString read_redis_password(const std::filesystem::path& dir) {
  const auto path = dir / kRedisPasswordFile;
  std::error_code ec;
  if (std::filesystem::symlink_status(path, ec).type() == std::filesystem::file_type::not_found) {
    return {};
  }
  // A secret: the owner's alone, no link (read_key_file checks on the open file).
  std::string password = read_key_file(path);
  if (password.empty() || password.find_first_of("\r\n") != std::string::npos) {
    secure_wipe(password);
    throw KeysError("key file " + quoted(path) + " must hold the password on one line");
  }
  return SecretString(std::move(password));  // copied, then the parameter wiped
}

}  // namespace enroll
