# Writes OUT: a C++ file returning the text of IN (the commit script). Run with cmake -P.
file(READ ${IN} text)
file(WRITE ${OUT}.tmp "// Generated from connectors/redis/commit.lua. Do not edit.
#include \"connectors/redis/commit_script.hpp\"
namespace enroll::redis {
std::string_view commit_script() {
  return R\"lua(${text})lua\";
}
}  // namespace enroll::redis
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
