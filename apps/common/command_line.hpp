#pragma once
// Parsing a program's command line the same way in every program of the tree: `--help` prints
// the help and ends the program with 0; a usage error prints "<program>: <why>" and where to
// find the usage, and ends it with 2.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace enroll::app {

// Parses argv into `app`, then runs `check` (checks of the parsed values; it may throw
// CLI::ParseError or a std::runtime_error such as enroll::Error, whose message names the
// option). Returns the exit code when the program should end now, nullopt to go on.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv,
                                             std::string_view program,
                                             const std::function<void()>& check = {}) {
  try {
    app.parse(argc, argv);
    if (check) check();
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << program << ": " << e.what() << "\nRun with --help for usage.\n";
  } catch (const std::runtime_error& e) {
    std::cerr << program << ": " << e.what() << "\n";
  }
  return 2;
}

}  // namespace enroll::app
