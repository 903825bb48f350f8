#pragma once
// enrollmentd's JSON config file, read as hostile input: its size bounded before parsing,
// JSON (UTF-8, as nlohmann checks it), one object whose keys each come once, nested no deeper
// than any setting needs. What each value may be is the settings' business (config.cpp).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace enroll::daemon {

inline constexpr std::size_t kMaxConfigFileBytes = 1 << 20;
inline constexpr int kMaxConfigDepth = 4;

// Throws UsageError with a one-line reason (the caller names the file).
nlohmann::json read_config_file(const std::string& path);

}  // namespace enroll::daemon
