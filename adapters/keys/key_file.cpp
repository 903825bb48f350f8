#include "adapters/keys/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "adapters/keys/keys.hpp"
#include "workflows/secret.hpp"

namespace enroll {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

namespace {

std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// A closed-on-scope file descriptor.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_key_file(const fs::path& path, std::size_t max_bytes, Exposure exposure) {
  // O_NOFOLLOW: a link planted in the folder would otherwise hand us someone else's key.
  const Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)};
  if (file.fd < 0) {
    if (errno == ENOENT) {
      throw KeysError("missing key file " + quoted(path) + " (generate one with enroll-keygen)");
    }
    if (errno == ELOOP) throw KeysError("key file " + quoted(path) + " is a symbolic link");
    throw KeysError("cannot open key file " + quoted(path) + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) {
    throw KeysError("cannot stat key file " + quoted(path) + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) throw KeysError("key file " + quoted(path) + " is not a regular file");
  if (st.st_uid != ::geteuid()) {
    throw KeysError("key file " + quoted(path) + " is owned by uid " + std::to_string(st.st_uid) +
                    ", not by this process's user (uid " + std::to_string(::geteuid()) + ")");
  }
  if (exposure == Exposure::secret && (st.st_mode & 077) != 0) {
    throw KeysError("key file " + quoted(path) + " has mode " + mode_text(st.st_mode) +
                    ": others may read it (chmod 600 it)");
  }
  if (exposure == Exposure::public_ && (st.st_mode & 022) != 0) {
    throw KeysError("key file " + quoted(path) + " has mode " + mode_text(st.st_mode) +
                    ": others may write it (chmod 644 it)");
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    throw KeysError("key file " + quoted(path) + " is too large");
  }
  std::string text(max_bytes + 1, '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(file.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      secure_wipe(text);
      throw KeysError("cannot read key file " + quoted(path) + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done > max_bytes) {
    secure_wipe(text);
    throw KeysError("key file " + quoted(path) + " is too large");
  }
  text.resize(done);
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  const auto first = std::find_if_not(text.begin(), text.end(), space);
  const auto last = std::find_if_not(text.rbegin(), text.rend(), space).base();
  std::string trimmed = first < last ? std::string(first, last) : std::string();
  secure_wipe(text);
  return trimmed;
}

void check_key_folder(const fs::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      throw KeysError("missing key folder " + quoted(dir) + " (make one with enroll-keygen)");
    }
    throw KeysError("cannot stat key folder " + quoted(dir) + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) throw KeysError("key folder " + quoted(dir) + " is a symbolic link");
  if (!S_ISDIR(st.st_mode)) throw KeysError("key folder " + quoted(dir) + " is not a directory");
  if (st.st_uid != ::geteuid()) {
    throw KeysError("key folder " + quoted(dir) + " is owned by uid " + std::to_string(st.st_uid) +
                    ", not by this process's user (uid " + std::to_string(::geteuid()) + ")");
  }
  if ((st.st_mode & 022) != 0) {
    throw KeysError("key folder " + quoted(dir) + " has mode " + mode_text(st.st_mode) +
                    ": others may write it (chmod 700 it)");
  }
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
