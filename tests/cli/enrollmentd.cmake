# enrollmentd as a black box (label cli), included by CMakeLists.txt: its settings (defaults <
# config file < environment < flags) and start-up checks, checked before any server is reached.
# Every value passes the same check whichever source gave it: a bad one exits 2 with one line
# naming the file and key, the variable or the flag; a good set gets as far as the key folder
# (exit 1). The Redis setting, one server or a cluster, and the deployment example's config file
# (ops/deploy), whose values must all pass.
set(configs ${CMAKE_CURRENT_SOURCE_DIR}/config)
# enrollmentd_test(<name> EXIT <code> [MATCH <regex>] [ENV VAR=value...] ARGS <args...>)
function(enrollmentd_test name)
  cmake_parse_arguments(T "" "EXIT;MATCH" "ARGS;ENV" ${ARGN})
  string(REPLACE ";" "|" args "${T_ARGS}")
  add_test(NAME cli.enrollmentd.${name} COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:enrollmentd>
    "-DARGS=${args}" -DEXIT=${T_EXIT} "-DMATCH=${T_MATCH}" -DJSON=OFF
    -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
  set_tests_properties(cli.enrollmentd.${name} PROPERTIES LABELS cli)
  if(T_ENV)
    set_tests_properties(cli.enrollmentd.${name} PROPERTIES ENVIRONMENT "${T_ENV}")
  endif()
endfunction()

# One bad value per test, in each source; `reason` is the check's own words, the same for all.
set(no_keys --brokers 127.0.0.1:1 --keys /nonexistent)
function(bad_file name reason)  # config/<name>.json, or a generated one in the build folder
  set(file ${configs}/${name}.json)
  if(NOT EXISTS ${file})
    set(file ${CMAKE_CURRENT_BINARY_DIR}/config/${name}.json)
  endif()
  enrollmentd_test(config.${name} EXIT 2
    MATCH "^enrollmentd: config file [^\n]*/${name}\\.json: ${reason}\n$" ARGS --config ${file})
endfunction()
function(bad_env name variable value reason)
  enrollmentd_test(env.${name} EXIT 2
    MATCH "^enrollmentd: environment variable ${variable}: ${reason}\n$"
    ENV ${variable}=${value} ARGS ${no_keys})
endfunction()
function(bad_flag name flag value reason)
  enrollmentd_test(flag.${name} EXIT 2 MATCH "^enrollmentd: ${flag}: ${reason}\n$"
    ARGS ${no_keys} ${flag}=${value})
endfunction()
set(levels "trace, debug, info, warn, error, critical")
set(name_chars "A-Z a-z 0-9 \\. _ -")
set(not_duration "is not a duration such as 90s, 15m, 2h, 30d")

# The config file.
bad_file(unknown-key "unknown setting 'htp'")
bad_file(http-wrong-type "setting 'http': expected a string, not 8080")
bad_file(http-bad "setting 'http': http address 'nowhere': expected host:port")
# The shared operator token of earlier versions is no setting: operators have their own.
bad_file(operator-token-gone "unknown setting 'operator_token'")
bad_file(batch-size-zero "setting 'batch_size': 0 is not in 1\\.\\.10000")
bad_file(batch-size-huge "setting 'batch_size': 18446744073709551615 is not in 1\\.\\.10000")
bad_file(batch-size-string "setting 'batch_size': expected an integer, not \"500\"")
bad_file(batch-size-fraction "setting 'batch_size': expected an integer, not 1\\.5")
bad_file(passcode-workers-huge "setting 'passcode_workers': 100000 is not in -1\\.\\.64")
bad_file(log-level-verbose "setting 'log_level': 'verbose' is not one of ${levels}")
bad_file(inbox-time-bad "setting 'inbox_time': 'client' is not one of broker, producer")
bad_file(stuck-after-bad "setting 'stuck_after': 'soon' ${not_duration}")
bad_file(stuck-after-zero "setting 'stuck_after': must be longer than 0")
bad_file(retain-finished-bad "setting 'retain_finished': '1y' ${not_duration}")
bad_file(topic-prefix-bad
  "setting 'topic_prefix': 'enroll inbox/' has a character outside ${name_chars}")
bad_file(instance-bad "setting 'instance': 'node-%v' has a character outside ${name_chars}")
bad_file(redis-namespace-bad
  "setting 'redis_namespace': 'en{roll}' has a character outside ${name_chars} :")
bad_file(brokers-bad "setting 'brokers': 'a:9092,,b:9092' has an empty entry")
bad_file(redis-bad "setting 'redis': 'rediss://a:1': redis url[^\n]*")
bad_file(keys-nul "setting 'keys': '/etc/enroll\\\\x00/x' has a control character")
bad_file(nested "setting 'group': expected a string, not an object")
bad_file(duplicate-key "setting 'batch_size' is given twice")
bad_file(not-an-object "not a JSON object")
bad_file(not-utf8 "not JSON: [^\n]*")
# Hostile files, made here: over the size limit, and nested deeper than any setting needs.
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/config)
string(REPEAT "a" 1048576 mib)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/config/too-large.json "{\"brokers\": \"${mib}\"}")
bad_file(too-large "larger than 1048576 bytes")
string(REPEAT "[" 300000 open)
string(REPEAT "]" 300000 close)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/config/deep.json "{\"group\": ${open}${close}}")
bad_file(deep "nested deeper than 4 levels")

# The environment.
bad_env(batch-size-zero ENROLL_BATCH_SIZE 0 "0 is not in 1\\.\\.10000")
bad_env(batch-size-not-integer ENROLL_BATCH_SIZE 5x "'5x' is not an integer")
bad_env(passcode-workers-huge ENROLL_PASSCODE_WORKERS 100000 "100000 is not in -1\\.\\.64")
bad_env(session-timeout-low ENROLL_SESSION_TIMEOUT_MS 10 "10 is not in 1000\\.\\.300000")
bad_env(log-level-verbose ENROLL_LOG_LEVEL verbose "'verbose' is not one of ${levels}")
bad_env(inbox-time-bad ENROLL_INBOX_TIME client "'client' is not one of broker, producer")
bad_env(stuck-after-bad ENROLL_STUCK_AFTER soon "'soon' ${not_duration}")
bad_env(retain-finished-bad ENROLL_RETAIN_FINISHED 1y "'1y' ${not_duration}")
bad_env(http-bad ENROLL_HTTP nowhere "http address 'nowhere': expected host:port")
bad_env(redis-bad ENROLL_REDIS rediss://a:1 "'rediss://a:1': redis url[^\n]*")
bad_env(instance-bad ENROLL_INSTANCE node-%v "'node-%v' has a character outside ${name_chars}")
enrollmentd_test(env.over-good-file EXIT 2
  MATCH "^enrollmentd: environment variable ENROLL_BATCH_SIZE: 0 is not in 1\\.\\.10000\n$"
  ENV ENROLL_BATCH_SIZE=0 ARGS --config ${configs}/http-ok.json)

# The command line.
bad_flag(batch-size-zero --batch-size 0 "0 is not in 1\\.\\.10000")
bad_flag(batch-size-over --batch-size 10001 "10001 is not in 1\\.\\.10000")
bad_flag(batch-size-huge --batch-size 99999999999999999999
  "99999999999999999999 is not in 1\\.\\.10000")
bad_flag(batch-size-not-integer --batch-size 5x "'5x' is not an integer")
bad_flag(passcode-workers-huge --passcode-workers 100000 "100000 is not in -1\\.\\.64")
bad_flag(passcode-workers-negative --passcode-workers -2 "-2 is not in -1\\.\\.64")
bad_flag(opslimit-zero --passcode-opslimit 0 "0 is not in 1\\.\\.10")
bad_flag(memlimit-over --passcode-memlimit-kib 2097153 "2097153 is not in 8\\.\\.2097152")
bad_flag(log-level-verbose --log-level verbose "'verbose' is not one of ${levels}")
bad_flag(inbox-time-bad --inbox-time client "'client' is not one of broker, producer")
bad_flag(stuck-after --stuck-after soon "'soon' ${not_duration}")
bad_flag(stuck-after-zero --stuck-after 0 "must be longer than 0")
bad_flag(retain-finished-bad --retain-finished 1y "'1y' ${not_duration}")
bad_flag(audit-checkpoint-interval-zero --audit-checkpoint-interval 0 "must be longer than 0")
bad_flag(http-bad --http nowhere "http address 'nowhere': expected host:port")
bad_flag(instance-bad --instance node-%v "'node-%v' has a character outside ${name_chars}")
bad_flag(topic-prefix-bad --topic-prefix "a b" "'a b' has a character outside ${name_chars}")
enrollmentd_test(flag.http-over-file EXIT 2
  MATCH "^enrollmentd: --http: http address '127\\.0\\.0\\.1:99999': bad port '99999'\n$"
  ARGS --config ${configs}/http-ok.json --http 127.0.0.1:99999)
enrollmentd_test(config.operator-token-not-a-flag EXIT 2 MATCH "not expected: [^\n]*--operator-token"
  ARGS ${no_keys} --operator-token abcdefghijklmnopqrstuvwxyz)

# Values at the bounds, from each source, get as far as the key folder.
set(missing_keys "missing key folder '/nonexistent")
enrollmentd_test(config.bounds-ok EXIT 1 MATCH ${missing_keys} ARGS --config ${configs}/bounds-ok.json)
enrollmentd_test(config.http-ok EXIT 1 MATCH ${missing_keys} ARGS --config ${configs}/http-ok.json)
enrollmentd_test(env.bounds-ok EXIT 1 MATCH ${missing_keys}
  ENV ENROLL_BATCH_SIZE=1 ENROLL_PASSCODE_WORKERS=-1 ENROLL_SESSION_TIMEOUT_MS=300000
      ENROLL_LOG_LEVEL=trace ENROLL_RETAIN_FINISHED=30d ENROLL_STUCK_AFTER=2h ARGS ${no_keys})
enrollmentd_test(flag.bounds-ok EXIT 1 MATCH ${missing_keys}
  ARGS ${no_keys} --batch-size 10000 --passcode-workers 0 --passcode-opslimit 1
  --passcode-memlimit-kib 2097152 --log-level warn --retain-finished 2s --http 0.0.0.0:0)
# What is stored is what was checked: decimal, as the check reads it (CLI11 alone reads a
# leading 0 as octal: 010 as 8, 09 as no number at all).
enrollmentd_test(flag.leading-zero EXIT 1 MATCH ${missing_keys} ARGS ${no_keys} --batch-size 09)
enrollmentd_test(env.leading-zero EXIT 1 MATCH ${missing_keys} ENV ENROLL_BATCH_SIZE=09
  ARGS ${no_keys})
enrollmentd_test(flag.retain-finished-ok EXIT 1 MATCH ${missing_keys}
  ARGS ${no_keys} --retain-finished 30d)
enrollmentd_test(flag.audit-checkpoint-interval-ok EXIT 1 MATCH ${missing_keys}
  ARGS ${no_keys} --audit-checkpoint-interval 1m)
# Kafka security (SASL/SCRAM, mutual TLS): each value checked alone (exit 2), the combination
# after the parse (exit 2), the files at start-up before any server (exit 1, one line).
bad_flag(kafka-protocol --kafka-security-protocol sasl
  "'sasl' is not one of plaintext, ssl, sasl_plaintext, sasl_ssl")
bad_env(kafka-mechanism ENROLL_KAFKA_SASL_MECHANISM PLAIN
  "'PLAIN' is not one of SCRAM-SHA-512, SCRAM-SHA-256")
enrollmentd_test(kafka-sasl-no-user EXIT 2
  MATCH "^enrollmentd: kafka security: security.protocol sasl_ssl needs sasl.username\n$"
  ARGS ${no_keys} --kafka-security-protocol sasl_ssl)
enrollmentd_test(kafka-ssl-without-tls EXIT 2
  MATCH "^enrollmentd: kafka security: ssl.\\* settings need security.protocol ssl or sasl_ssl, not sasl_plaintext\n$"
  ENV ENROLL_KAFKA_SASL_USERNAME=enrollmentd ENROLL_KAFKA_SASL_PASSWORD_FILE=/p
  ARGS ${no_keys} --kafka-security-protocol sasl_plaintext --kafka-ssl-ca-location /ca.pem)
enrollmentd_test(kafka-password-flag EXIT 2
  MATCH "^enrollmentd: The following arguments were not expected: secret --kafka-sasl-password\n"
  ARGS ${no_keys} --kafka-sasl-password secret)
set(kafka_secrets ${CMAKE_CURRENT_BINARY_DIR}/kafka-secrets)
file(WRITE ${kafka_secrets}/open.password "not-so-secret\n")  # 0644: anyone may read it
file(WRITE ${kafka_secrets}/empty.password "\n")
file(WRITE ${kafka_secrets}/good.password "s3cret-password\n")
file(CHMOD ${kafka_secrets}/empty.password ${kafka_secrets}/good.password
  PERMISSIONS OWNER_READ OWNER_WRITE)
set(sasl --kafka-security-protocol sasl_plaintext --kafka-sasl-username enrollmentd)
enrollmentd_test(kafka-password-world-readable EXIT 1
  MATCH "\nenrollmentd: kafka security: sasl.password.file '[^']*/open.password': any user may read it: chmod o-rwx\n$"
  ARGS ${no_keys} ${sasl} --kafka-sasl-password-file ${kafka_secrets}/open.password)
enrollmentd_test(kafka-password-empty EXIT 1
  MATCH "\nenrollmentd: kafka security: sasl.password.file '[^']*/empty.password': empty\n$"
  ARGS ${no_keys} ${sasl} --kafka-sasl-password-file ${kafka_secrets}/empty.password)
enrollmentd_test(kafka-password-missing EXIT 1
  MATCH "\nenrollmentd: kafka security: sasl.password.file '/nonexistent.password': No such file"
  ARGS ${no_keys} ${sasl} --kafka-sasl-password-file /nonexistent.password)
enrollmentd_test(kafka-sasl-ok EXIT 1 MATCH ${missing_keys}
  ARGS ${no_keys} ${sasl} --kafka-sasl-password-file ${kafka_secrets}/good.password)
# Every value passes; start-up then reads the Kafka TLS files first (not on this machine).
enrollmentd_test(deploy-example-config EXIT 1
  MATCH "\nenrollmentd: kafka security: ssl.ca.location '/etc/enroll/kafka/ca.pem': No such file"
  ARGS --config ${PROJECT_SOURCE_DIR}/ops/deploy/enrollmentd.json --keys /nonexistent)

# --help lists each setting with its variable, its bounds and its default.
enrollmentd_test(help-http EXIT 0 MATCH "--http TEXT=127.0.0.1:8080 \\(Env:ENROLL_HTTP\\)" ARGS --help)
enrollmentd_test(help-bounds EXIT 0
  MATCH "same checks whichever source.*--batch-size INT:1\\.\\.10000=500 \\(Env:ENROLL_BATCH_SIZE\\).*--passcode-workers INT:-1\\.\\.64=-1.*--log-level TEXT:trace\\|debug\\|info\\|warn\\|error\\|critical=info"
  ARGS --help)
enrollmentd_test(help EXIT 0 MATCH "redis\\+cluster://\\[user@\\]host:port,host:port" ARGS --help)
set(cli_keys ${CMAKE_CURRENT_BINARY_DIR}/keys)
add_test(NAME cli.enrollmentd.keygen COMMAND enroll-keygen ${cli_keys} --force)
set_tests_properties(cli.enrollmentd.keygen PROPERTIES LABELS cli FIXTURES_SETUP cli_keys)
# A refused Redis URL is quoted without its login: the password never reaches a message.
enrollmentd_test(redis-password-not-shown EXIT 2
  MATCH "^enrollmentd: --redis: 'redis://\\.\\.\\.@h:1/0': redis url: a '@' after the first '/'[^\n]*\n$"
  ARGS --brokers b:9092 --keys ${cli_keys} --redis redis://enroll:Sekret9/x@h:1/0)
enrollmentd_test(redis-bad-user EXIT 2
  MATCH "^enrollmentd: --redis: 'redis://\\.\\.\\.@h:1/0': redis url: the user name must be[^\n]*\n$"
  ARGS --brokers b:9092 --keys ${cli_keys} --redis "redis://en roll:Sekret9@h:1/0")
bad_flag(http-allowed-hosts-port --http-allowed-hosts "api.example.org:8080"
  "'api.example.org:8080' is not a host name or address \\(an IPv6 address in brackets, no port\\)")

enrollmentd_test(bad-cluster-db EXIT 2
  MATCH "^enrollmentd: --redis: 'redis\\+cluster://a:1/3': [^\n]*only database 0, not '3'\n$"
  ARGS --brokers b:9092 --keys ${cli_keys} --redis redis+cluster://a:1/3)
enrollmentd_test(bad-cluster-seed EXIT 2 MATCH "^enrollmentd: --redis: [^\n]*empty seed node\n$"
  ARGS --brokers b:9092 --keys ${cli_keys} --redis redis+cluster://a:1,,b:2)
enrollmentd_test(bad-scheme EXIT 2 MATCH "^enrollmentd: --redis: [^\n]*redis\\+cluster://"
  ARGS --brokers b:9092 --keys ${cli_keys} --redis rediss://a:1)
# Port 1 on loopback: nothing listens. Exit 1, one line naming the seed.
enrollmentd_test(cluster-unreachable EXIT 1
  MATCH "enrollmentd: redis cluster: no node gave the slot map \\(redis 127.0.0.1:1: [^\n]*\\)\n$"
  ARGS --brokers 127.0.0.1:1 --keys ${cli_keys} --redis redis+cluster://127.0.0.1:1)
set_tests_properties(cli.enrollmentd.cluster-unreachable PROPERTIES FIXTURES_REQUIRED cli_keys)
# A definition that passes the schema but not the transition-graph lint stops start-up, one
# line naming the file and the first error (after the keys, before any server).
file(COPY ${CMAKE_CURRENT_SOURCE_DIR}/broken/unreachable-step.json
  DESTINATION ${CMAKE_CURRENT_BINARY_DIR}/lint-refused)
enrollmentd_test(lint-refused EXIT 1
  MATCH "\nenrollmentd: [^\n]*lint-refused/unreachable-step.json: [^\n]*step wait: awaits nothing[^\n]*\n$"
  ARGS --brokers 127.0.0.1:1 --keys ${cli_keys} --workflows ${CMAKE_CURRENT_BINARY_DIR}/lint-refused)
set_tests_properties(cli.enrollmentd.lint-refused PROPERTIES FIXTURES_REQUIRED cli_keys)
# A step kind's bad config: the message `enrollctl workflows check` gives (CMakeLists.txt).
file(COPY ${CMAKE_CURRENT_SOURCE_DIR}/broken/bad-kind-config.json
  DESTINATION ${CMAKE_CURRENT_BINARY_DIR}/kind-config-refused)
enrollmentd_test(kind-config-refused EXIT 1
  MATCH "\nenrollmentd: [^\n]*kind-config-refused/bad-kind-config.json: ${bad_kind_config_message}\n$"
  ARGS --brokers 127.0.0.1:1 --keys ${cli_keys} --workflows ${CMAKE_CURRENT_BINARY_DIR}/kind-config-refused)
set_tests_properties(cli.enrollmentd.kind-config-refused PROPERTIES FIXTURES_REQUIRED cli_keys)
# The operators' token hashes (operators.json) are checked at start-up like the rest of the key
# folder: missing (a folder made before operators had their own tokens) or bad, exit 1 with one
# line naming the file (and the field).
set(cli_keys_no_operators ${CMAKE_CURRENT_BINARY_DIR}/keys-no-operators)
set(cli_keys_bad_operators ${CMAKE_CURRENT_BINARY_DIR}/keys-bad-operators)
add_test(NAME cli.enrollmentd.keygen-operators COMMAND sh -c
  "$<TARGET_FILE:enroll-keygen> ${cli_keys_no_operators} --force >/dev/null && rm ${cli_keys_no_operators}/operators.json && $<TARGET_FILE:enroll-keygen> ${cli_keys_bad_operators} --force >/dev/null && printf '{\"version\": 1, \"operators\": [{\"id\": \"a b\"}]}' > ${cli_keys_bad_operators}/operators.json")
set_tests_properties(cli.enrollmentd.keygen-operators PROPERTIES LABELS cli
  FIXTURES_SETUP cli_keys_operators)
enrollmentd_test(operators-missing EXIT 1
  MATCH "\nenrollmentd: operators: missing key file '[^\n]*/keys-no-operators/operators.json' \\(make it with enroll-keygen DIR --add-operator ID\\)\n$"
  ARGS --brokers 127.0.0.1:1 --keys ${cli_keys_no_operators})
enrollmentd_test(operators-bad EXIT 1
  MATCH "\nenrollmentd: operators: [^\n]*/keys-bad-operators/operators.json: operators\\[0\\].id: must be 1 to 64 of [^\n]*\n$"
  ARGS --brokers 127.0.0.1:1 --keys ${cli_keys_bad_operators})
set_tests_properties(cli.enrollmentd.operators-missing cli.enrollmentd.operators-bad PROPERTIES
  FIXTURES_REQUIRED cli_keys_operators)
