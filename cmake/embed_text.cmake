# Writes OUT: a C++ file defining `std::string_view NS::FN()`, declared in HEADER, that
# returns the text of the files IN names ('|' between them), one after the other. Run with
# cmake -P (see embed_text() in cmake/modules.cmake).
string(REPLACE "|" ";" files "${IN}")
set(text "")
foreach(f IN LISTS files)
  file(READ ${f} part)
  string(APPEND text "${part}")
endforeach()
# The text goes into a raw string literal: its closing sequence must not occur in it.
string(FIND "${text}" ")embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains )embedded\" and cannot be embedded as it is")
endif()
file(WRITE ${OUT}.tmp "// Generated from ${files}. Do not edit.
#include \"${HEADER}\"
namespace ${NS} {
std::string_view ${FN}() {
  return R\"embedded(${text})embedded\";
}
}  // namespace ${NS}
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
