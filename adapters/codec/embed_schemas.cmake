# Writes OUT: a C++ file holding every schema under DIR as a raw string, keyed by its path
# relative to DIR (e.g. "commands/task.result.schema.json"). Run at build time (cmake -P).
file(GLOB_RECURSE files RELATIVE ${DIR} ${DIR}/*.schema.json)
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  file(READ ${DIR}/${f} text)
  string(APPEND body "    {\"${f}\", R\"schema(${text})schema\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from schemas/ by adapters/codec/embed_schemas.cmake. Do not edit.
#include \"adapters/codec/embedded_schemas.hpp\"

namespace enroll::codec {

const std::vector<std::pair<std::string_view, std::string_view>>& embedded_schemas() {
  static const std::vector<std::pair<std::string_view, std::string_view>> all{
${body}  };
  return all;
}

}  // namespace enroll::codec
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
