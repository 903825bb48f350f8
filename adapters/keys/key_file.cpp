#include "adapters/keys/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "adapters/keys/keys.hpp"
#include "workflows/secret.hpp"

namespace enroll {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::string read_key_file(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw KeysError("missing key file " + quoted(path) + " (generate one with enroll-keygen)");
  }
  if (!fs::is_regular_file(path, ec)) {
    throw KeysError("key file " + quoted(path) + " is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw KeysError("cannot read key file " + quoted(path));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_bytes) throw KeysError("key file " + quoted(path) + " is too large");
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  const auto first = std::find_if_not(text.begin(), text.end(), space);
  const auto last = std::find_if_not(text.rbegin(), text.rend(), space).base();
  std::string trimmed = first < last ? std::string(first, last) : std::string();
  secure_wipe(text);
  return trimmed;
}

// Written with open(2) so that a secret file never exists, even briefly, with a wider mode.
void write_key_file(const fs::path& path, std::string content, mode_t mode, bool overwrite) {
  content.push_back('\n');
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  int error = 0;
  const auto failed = [&error] {
    error = errno;
    return false;
  };
  const int fd = ::open(path.c_str(), flags, mode);
  // fchmod because an overwritten file keeps its old mode.
  bool ok = (fd >= 0 && ::fchmod(fd, mode) == 0) || failed();
  std::size_t done = 0;
  while (ok && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0 || failed();
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && (::fsync(fd) == 0 || failed());
  if (fd >= 0 && ::close(fd) != 0 && ok) ok = failed();
  secure_wipe(content);
  if (!ok) {
    throw KeysError("cannot write key file " + quoted(path) + ": " + std::strerror(error));
  }
}

void replace_key_file(const fs::path& path, std::string content, mode_t mode) {
  fs::path aside = path;
  aside += ".new";
  write_key_file(aside, std::move(content), mode, true);
  std::error_code ec;
  fs::rename(aside, path, ec);
  if (ec) throw KeysError("cannot replace " + quoted(path) + ": " + ec.message());
}

}  // namespace enroll
