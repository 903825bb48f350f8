#pragma once
// One file of the key folder, read and written with the care a secret needs: a bounded read
// whose buffer is wiped, a write that never leaves the file with a wider mode, even briefly.
// Shared by the key folder's own keys (keys.cpp) and the inbox's trust file and signing keys
// (adapters/trust/).
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace enroll {

// Key files are tiny; a read refuses to slurp something that is obviously not one.
inline constexpr std::size_t kMaxKeyFileBytes = 4096;

// 'path', quoted for a message.
std::string quoted(const std::filesystem::path& path);

// Who may see a file of the key folder: a secret only its owner; a public one (a public key,
// the trust file) anyone, but no one else may write it.
enum class Exposure { secret, public_ };

// The file's text without surrounding whitespace (files end with a newline). Throws KeysError
// with a one-line reason naming the file if it is missing, a symbolic link, not a regular
// file, not owned by this process's user, readable (secret) or writable (public) by others,
// unreadable or over max_bytes. The checks are made on the opened file (no race).
std::string read_key_file(const std::filesystem::path& path,
                          std::size_t max_bytes = kMaxKeyFileBytes,
                          Exposure exposure = Exposure::secret);

// The key folder itself: a directory (not a symbolic link), owned by this process's user, that
// no one else may write. Throws KeysError with a one-line reason.
void check_key_folder(const std::filesystem::path& dir);

// Writes content and a newline with `mode` (O_EXCL unless overwrite), fsynced; wipes content.
// Throws KeysError naming the file.
void write_key_file(const std::filesystem::path& path, std::string content, mode_t mode,
                    bool overwrite);

// Replaces the file with content and a newline, written aside (`<path>.new`) and then renamed
// over it, so that a reader sees the old file or the new one. Throws KeysError naming the file.
void replace_key_file(const std::filesystem::path& path, std::string content, mode_t mode);

}  // namespace enroll
