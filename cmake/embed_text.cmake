# Writes OUT: a C++ file defining `std::string_view NS::FN()`, declared in HEADER, that
# returns the text of IN. Run with cmake -P (see embed_text() in CMakeLists.txt).
file(READ ${IN} text)
# The text goes into a raw string literal: its closing sequence must not occur in it.
string(FIND "${text}" ")embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains )embedded\" and cannot be embedded as it is")
endif()
file(WRITE ${OUT}.tmp "// Generated from ${IN}. Do not edit.
#include \"${HEADER}\"
namespace ${NS} {
std::string_view ${FN}() {
  return R\"embedded(${text})embedded\";
}
}  // namespace ${NS}
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
