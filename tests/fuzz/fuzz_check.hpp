#pragma once
// How a fuzz target says that a property broke: it prints what broke and aborts, which
// libFuzzer reports as a crash and keeps the input that caused it (crash-<sha1>).
#include <cstdlib>
#include <iostream>
#include <string>

namespace enroll::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::cerr << "fuzz property broken: " << what << std::endl;
  std::abort();
}

}  // namespace enroll::fuzz
