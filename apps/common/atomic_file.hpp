#pragma once
// Files that other processes poll for.

#include <filesystem>
#include <string_view>

namespace enroll::app {

// Writes `content` to `path` so that readers see either nothing or the whole file: it is
// written to a temporary sibling and renamed into place. Scripts poll for these files to
// know a program is ready (the dev broker's bootstrap list, enrollmentd's HTTP port), so a
// half-written file must never be visible. Throws std::system_error on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace enroll::app
