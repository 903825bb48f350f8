// enroll-keygen DIR [--force]: writes a fresh key folder (the ENROLL_KEYS of enrollmentd).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "adapters/keys/keys.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "Generate the orchestrator's key folder (passcode sealing key pair, MAC and "
      "hashing keys, operator token)."};
  std::string dir;
  bool force = false;
  app.add_option("DIR", dir, "folder to write the keys into (created if missing)")->required();
  app.add_flag("--force", force, "replace existing key files");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the problem and the usage hint
    return 2;
  }
  try {
    enroll::generate_keys(dir, force);
  } catch (const std::exception& e) {
    std::cerr << "enroll-keygen: " << e.what() << '\n';
    return 1;
  }
  std::cout << "keys written to " << std::filesystem::absolute(dir).string() << '\n';
  return 0;
}
