#pragma once

#include <filesystem>
#include <string_view>

namespace enroll::devbroker {

// Writes `content` to `path` so that readers see either nothing or the whole file: it is
// written to a temporary sibling and renamed into place. Scripts poll for these files to
// know the broker is ready, so a half-written file must never be visible. Throws
// std::system_error on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace enroll::devbroker
