# enroll-keygen: a new folder with the inbox's trust file and the operator file, then rotation
# and revocation in it, operators added and revoked (its own folder: the enrollmentd tests
# share theirs).
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
keygen_test(help EXIT 0
  MATCH "--rotate PRINCIPAL.*--overlap-days.*--revoke KEYID.*--add-operator ID.*--add-reader ID.*--revoke-operator ID.*--rotate-key PURPOSE.*--retire-key-before ID"
  ARGS --help)
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
# Operators: the new token alone on stdout (43 base64url characters), what to do with it on
# stderr; an id that exists (the demo operator's, or one revoked) or is no name is refused.
string(REPEAT "[A-Za-z0-9_-]" 43 token_re)
keygen_test(add-operator EXIT 0
  MATCH "^${token_re}\noperator op-ann added; their token \\(on stdout\\) is shown only now"
  ARGS ${keygen_keys} --add-operator op-ann)
keygen_test(add-operator-exists EXIT 1 MATCH "operator operator-1 exists already"
  ARGS ${keygen_keys} --add-operator operator-1)
keygen_test(add-operator-bad-id EXIT 1 MATCH "an operator id is 1 to 64 of"
  ARGS ${keygen_keys} --add-operator "op ann")
keygen_test(revoke-operator EXIT 0 MATCH "operator op-ann revoked from now on"
  ARGS ${keygen_keys} --revoke-operator op-ann)
keygen_test(add-operator-revoked EXIT 1 MATCH "operator op-ann exists already \\(revoked: an id is never reused\\)"
  ARGS ${keygen_keys} --add-operator op-ann)
keygen_test(revoke-operator-unknown EXIT 1 MATCH "no operator nobody"
  ARGS ${keygen_keys} --revoke-operator nobody)
keygen_test(add-operator-and-force EXIT 2 MATCH "excludes" ARGS ${keygen_keys} --add-operator x --force)
# Readers (role reader: /v1 reads only); the fresh folder has the demo reader reader-1; an id is
# one namespace for both roles; --revoke-operator revokes either.
keygen_test(add-reader EXIT 0
  MATCH "^${token_re}\nreader rd-ann added; their token \\(on stdout\\) is shown only now[^\n]*it reads, never acts"
  ARGS ${keygen_keys} --add-reader rd-ann)
keygen_test(add-reader-exists EXIT 1 MATCH "reader reader-1 exists already"
  ARGS ${keygen_keys} --add-reader reader-1)
keygen_test(add-reader-operator-id EXIT 1 MATCH "operator operator-1 exists already"
  ARGS ${keygen_keys} --add-reader operator-1)
keygen_test(revoke-reader EXIT 0 MATCH "reader rd-ann revoked from now on"
  ARGS ${keygen_keys} --revoke-operator rd-ann)
keygen_test(add-reader-and-operator EXIT 2 MATCH "excludes"
  ARGS ${keygen_keys} --add-reader x --add-operator y)
# Each changes operators.json: one after the other.
set_tests_properties(cli.keygen.revoke-operator PROPERTIES DEPENDS cli.keygen.add-operator)
set_tests_properties(cli.keygen.add-operator-revoked PROPERTIES DEPENDS cli.keygen.revoke-operator)
set_tests_properties(cli.keygen.add-reader PROPERTIES DEPENDS cli.keygen.add-operator-revoked)
set_tests_properties(cli.keygen.revoke-reader PROPERTIES DEPENDS cli.keygen.add-reader)
# Keyrings (issue 15): a new version of a key becomes current; older ones are retired by id.
keygen_test(rotate-key EXIT 0
  MATCH "keyring passcode_pepper: passcode_pepper-[0-9]+ is current \\(restart enrollmentd to use it\\); new passcode verifiers"
  ARGS ${keygen_keys} --rotate-key passcode_pepper)
keygen_test(rotate-key-unknown EXIT 1 MATCH "no keyring nothing \\(see --help\\)"
  ARGS ${keygen_keys} --rotate-key nothing)
keygen_test(retire-key EXIT 0 MATCH "keyring passcode_pepper: [0-9]+ older version\\(s\\) deleted"
  ARGS ${keygen_keys} --retire-key-before passcode_pepper-2)
keygen_test(retire-key-bad EXIT 1 MATCH "wants a keyring version such as passcode_pepper-3, not 'pepper'"
  ARGS ${keygen_keys} --retire-key-before pepper)
keygen_test(rotate-key-and-force EXIT 2 MATCH "excludes"
  ARGS ${keygen_keys} --rotate-key passcode_pepper --force)
set_tests_properties(cli.keygen.retire-key PROPERTIES DEPENDS cli.keygen.rotate-key)
# The key that signs the published passcode sealing key: a keyring kind like the others.
keygen_test(rotate-seal-publisher EXIT 0 MATCH "keyring seal_publisher: seal_publisher-[0-9]+ is current"
  ARGS ${keygen_keys} --rotate-key seal_publisher)
keygen_test(http-certificate-bad-name EXIT 1 MATCH "'a b' is no host name or address"
  ARGS ${keygen_keys}-tls --http-certificate "a b")
