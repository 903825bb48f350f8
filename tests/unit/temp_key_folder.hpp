#pragma once
// A fresh key folder for one test (mode 0700, as the key folder's checks want), named after
// the test and the process, removed at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace enroll::testing {

class TempKeyFolder {
 public:
  explicit TempKeyFolder(const std::string& stem)
      : path_(std::filesystem::temp_directory_path() /
              (stem + "-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  }
  ~TempKeyFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempKeyFolder(const TempKeyFolder&) = delete;
  TempKeyFolder& operator=(const TempKeyFolder&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace enroll::testing
