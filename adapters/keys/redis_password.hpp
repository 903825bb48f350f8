#pragma once
// The Redis password of enrollmentd's ACL user, kept in the key folder (redis.password, one
// line, mode 0600) so that it is in no config file and no process list: the `redis` setting
// then names the user alone (redis://enroll@host:6379/0).
#include <filesystem>

#include "workflows/secret.hpp"

namespace enroll {

inline constexpr const char* kRedisPasswordFile = "redis.password";

// The password in <dir>/redis.password (wiped from memory when dropped), or empty if there is
// no such file. Throws KeysError
// (one line naming the file, never its content) if it is a symbolic link, not a regular file,
// not the owner's or readable by others (read_key_file's checks), empty, or holds a line break.
SecretString read_redis_password(const std::filesystem::path& dir);

}  // namespace enroll
