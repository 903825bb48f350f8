# enroll-keygen: a new folder with the inbox's trust file, then rotation and revocation in it
# (its own folder: the enrollmentd tests share theirs).
function(keygen_test name)
  cmake_parse_arguments(T "" "EXIT;MATCH" "ARGS" ${ARGN})
  string(REPLACE ";" "|" args "${T_ARGS}")
  add_test(NAME cli.keygen.${name} COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:enroll-keygen>
    "-DARGS=${args}" -DEXIT=${T_EXIT} "-DMATCH=${T_MATCH}" -DJSON=OFF
    -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
  set_tests_properties(cli.keygen.${name} PROPERTIES LABELS cli FIXTURES_REQUIRED cli_keygen)
endfunction()
set(keygen_keys ${CMAKE_CURRENT_BINARY_DIR}/keygen-keys)
add_test(NAME cli.keygen.new COMMAND enroll-keygen ${keygen_keys} --force)
set_tests_properties(cli.keygen.new PROPERTIES LABELS cli FIXTURES_SETUP cli_keygen)
keygen_test(help EXIT 0 MATCH "--rotate PRINCIPAL.*--overlap-days.*--revoke KEYID" ARGS --help)
keygen_test(no-overwrite EXIT 1 MATCH "refusing to overwrite existing" ARGS ${keygen_keys})
keygen_test(rotate EXIT 0
  MATCH "new key channel-app-[0-9]+ for channel-app; the older keys end in 2 days"
  ARGS ${keygen_keys} --rotate channel-app --overlap-days 2)
keygen_test(rotate-unknown EXIT 1 MATCH "no principal nobody in the trust file"
  ARGS ${keygen_keys} --rotate nobody)
keygen_test(revoke EXIT 0 MATCH "key operator-api-1 revoked" ARGS ${keygen_keys} --revoke operator-api-1)
keygen_test(revoke-unknown EXIT 1 MATCH "no key nobody-1 to revoke"
  ARGS ${keygen_keys} --revoke nobody-1)
keygen_test(high-volume-alg-unknown EXIT 2 MATCH "--high-volume-alg: .*not in"
  ARGS ${keygen_keys}-x --high-volume-alg rsa)
keygen_test(revoke-and-force EXIT 2 MATCH "excludes" ARGS ${keygen_keys} --revoke x-1 --force)
# Both change trust.json: one after the other.
set_tests_properties(cli.keygen.revoke PROPERTIES DEPENDS cli.keygen.rotate)
