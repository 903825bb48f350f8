# In the dev preset's ctest: each fuzz target for a short run (label fuzz), replaying the
# committed corpus (and with it every regression input) and fuzzing on from there. The
# targets are the fuzz preset's (clang): ops/test builds them before ctest; here
# `ops/fuzz --no-build` runs them and fails with the crash's input path.
set(ENROLL_FUZZ_SECONDS 5 CACHE STRING "Seconds each fuzz target runs in ctest")
foreach(target inbound_fuzz http_fuzz engine_fuzz trust_file_fuzz operator_file_fuzz
        audit_export_fuzz seal_key_answer_fuzz history_record_fuzz bench_figures_fuzz
        state_record_fuzz sealed_value_fuzz)
  add_test(NAME fuzz_${target}
           COMMAND ${PROJECT_SOURCE_DIR}/ops/fuzz --no-build --seconds ${ENROLL_FUZZ_SECONDS}
                   ${target}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(fuzz_${target} PROPERTIES LABELS fuzz TIMEOUT 600)
endforeach()
