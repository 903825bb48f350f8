# Writes OUT: a C++ file returning the text of IN (a Lua script) from function FN.
# Run with cmake -P.
file(READ ${IN} text)
file(WRITE ${OUT}.tmp "// Generated from ${IN}. Do not edit.
#include \"connectors/redis/scripts.hpp\"
namespace enroll::redis {
std::string_view ${FN}() {
  return R\"lua(${text})lua\";
}
}  // namespace enroll::redis
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
