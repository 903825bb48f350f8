# The measuring scripts' command lines (ops/profile, ops/bench --compare): help, and usage
# errors that exit 2 before anything is installed, built or started.
function(ops_test name)
  cmake_parse_arguments(T "" "SCRIPT;EXIT;MATCH" "ARGS" ${ARGN})
  string(REPLACE ";" "|" args "${T_ARGS}")
  add_test(NAME cli.ops.${name} COMMAND ${CMAKE_COMMAND} -DEXE=${PROJECT_SOURCE_DIR}/ops/${T_SCRIPT}
    "-DARGS=${args}" -DEXIT=${T_EXIT} "-DMATCH=${T_MATCH}" -DJSON=OFF
    -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
  set_tests_properties(cli.ops.${name} PROPERTIES LABELS cli)
endfunction()
ops_test(profile.help SCRIPT profile EXIT 0
  MATCH "perf record -F 499 --call-graph dwarf.*flamegraph.svg.*report.txt.*--seconds N"
  ARGS --help)
ops_test(profile.bad-seconds SCRIPT profile EXIT 2
  MATCH "--seconds takes a whole number from 1 to 3600\nusage: ops/profile" ARGS --seconds 0)
ops_test(profile.stray-argument SCRIPT profile EXIT 2 MATCH "unknown argument 'flame'" ARGS flame)
ops_test(profile.bench-own-flag SCRIPT profile EXIT 2
  MATCH "--json is ops/bench's own, not for a profile" ARGS --json)
ops_test(bench.compare-no-peers SCRIPT bench EXIT 2
  MATCH "no peers in '/nonexistent/peers' .*--peers DIR" ARGS --compare --peers /nonexistent/peers)
ops_test(bench.compare-with-rate SCRIPT bench EXIT 2
  MATCH "--compare runs self-service at C=50 and C=200" ARGS --compare --rate 10)
ops_test(bench.peers-without-compare SCRIPT bench EXIT 2
  MATCH "--peers goes with --compare" ARGS --peers /tmp)
