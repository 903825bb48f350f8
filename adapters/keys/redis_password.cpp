#include "adapters/keys/redis_password.hpp"

#include <sys/stat.h>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "workflows/secret.hpp"

namespace enroll {

std::string read_redis_password(const std::filesystem::path& dir) {
  const auto path = dir / kRedisPasswordFile;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw KeysError("key file " + quoted(path) + " is readable by others (chmod 600 it)");
  }
  std::string password = read_key_file(path);
  if (password.empty() || password.find_first_of("\r\n") != std::string::npos) {
    secure_wipe(password);
    throw KeysError("key file " + quoted(path) + " must hold the password on one line");
  }
  return password;
}

}  // namespace enroll
