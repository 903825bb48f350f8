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
# Scale in miniature (ops/bench --instances, --redis-masters, --kafka-brokers): their ranges,
# and the runs they do not go with.
ops_test(bench.help SCRIPT bench EXIT 0
  MATCH "--instances N \\(1 to 8\\).*--redis-masters M.*redis\\+cluster://.*--kafka-brokers K"
  ARGS --help)
ops_test(bench.instances-range SCRIPT bench EXIT 2
  MATCH "--instances takes a whole number from 1 to 8\nusage: ops/bench" ARGS --instances 9)
ops_test(bench.instances-not-a-number SCRIPT bench EXIT 2
  MATCH "--instances takes a whole number from 1 to 8" ARGS --instances two)
ops_test(bench.redis-masters-range SCRIPT bench EXIT 2
  MATCH "--redis-masters takes 0 \\(one Redis\\) or a whole number from 3 to 9" ARGS --redis-masters 2)
ops_test(bench.kafka-brokers-range SCRIPT bench EXIT 2
  MATCH "--kafka-brokers takes a whole number from 1 to 5" ARGS --kafka-brokers 0)
ops_test(bench.instances-needs-value SCRIPT bench EXIT 2 MATCH "--instances needs a value"
  ARGS --instances)
ops_test(bench.compare-with-scale SCRIPT bench EXIT 2
  MATCH "--compare runs one instance on one Redis and one broker: it does not take --instances --redis-masters"
  ARGS --compare --instances 2 --redis-masters 3)
ops_test(bench.devbroker-with-cluster SCRIPT bench EXIT 2
  MATCH "--redis-masters and --kafka-brokers go with Apache Kafka, not --devbroker"
  ARGS --devbroker --redis-masters 3)
# ops/bench --compare's table from one real run's JSON (ops/bench --compare, 2026-12-05):
# the project's rows with its CPU and memory sums, enrollmentd's share and the hashing limit
# where it is within reach, the peers' rows from their medians.
add_test(NAME cli.ops.compare-table COMMAND ${CMAKE_COMMAND} -DEXE=${Python3_EXECUTABLE}
  "-DARGS=${PROJECT_SOURCE_DIR}/ops/lib/compare_table.py|${CMAKE_CURRENT_SOURCE_DIR}/compare"
  -DEXIT=0 "-DMATCH=\\| this project, cheap Argon2id \\(1 pass / 8 KiB\\) \\| 50 \\| 63\\.0 \\| 946 \\| 61 / 231 \\| 24\\.7 \\(enrollmentd 6\\.8\\) \\| 456 \\(enrollmentd 17\\) \\|.*\\| XState \\+ BullMQ \\| 200 \\| 192\\.4 \\| 2693 \\| 129 / 356 \\| 4\\.6 .*\\| 282 \\|.*\\| this project, default Argon2id \\(2 passes / 19456 KiB; 52 % of the hashing limit, 42\\.5/s\\) \\| 50 \\| 22\\.1"
  -DJSON=OFF -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
add_test(NAME cli.ops.compare-table-missing COMMAND ${CMAKE_COMMAND} -DEXE=${Python3_EXECUTABLE}
  "-DARGS=${PROJECT_SOURCE_DIR}/ops/lib/compare_table.py|${CMAKE_CURRENT_SOURCE_DIR}/broken"
  -DEXIT=1 "-DMATCH=no figures for project-cheap-c50, project-cheap-c200, xstate-bullmq, restate"
  -DJSON=OFF -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
set_tests_properties(cli.ops.compare-table cli.ops.compare-table-missing PROPERTIES LABELS cli)
