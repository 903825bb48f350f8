# Runs a program (enrollctl, enrollmentd) once and checks what an operator or a script would
# rely on: the exit code,
# a message, and (JSON=ON) that stdout is one JSON document. ctest's own WILL_FAIL cannot
# tell exit 1 from exit 2, hence this driver.
#   cmake -DEXE=... -DARGS=a|b|c -DEXIT=1 [-DMATCH=regex] [-DJSON=ON] [-DPYTHON=python3] -P this
string(REPLACE "|" ";" argv "${ARGS}")
execute_process(COMMAND ${EXE} ${argv} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
get_filename_component(program ${EXE} NAME)
message("$ ${program} ${argv}\n--- stdout\n${out}--- stderr\n${err}--- exit ${rc}")
if(NOT rc STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}")
endif()
if(DEFINED MATCH AND NOT MATCH STREQUAL "" AND NOT "${out}${err}" MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match: ${MATCH}")
endif()
if(JSON)
  if(PYTHON)
    execute_process(COMMAND ${PYTHON} -c "import json,sys; json.loads(sys.argv[1])" "${out}"
                    RESULT_VARIABLE bad ERROR_VARIABLE why)
  else()
    string(JSON type ERROR_VARIABLE why TYPE "${out}")
    set(bad 0)
    if(why)
      set(bad 1)
    endif()
  endif()
  if(NOT bad EQUAL 0)
    message(FATAL_ERROR "stdout is not JSON: ${why}")
  endif()
endif()
