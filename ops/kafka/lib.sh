# shellcheck shell=bash
# Helpers for the ops/kafka scripts: sourced, not executed. Expects $kafka_dir (this folder).
# shellcheck disable=SC2154  # kafka_dir is the caller's

# The one pin of the Kafka version: ops/kafka/pom.xml's <kafka.version>.
kafka_version() {
  sed -n 's:.*<kafka\.version>\([^<]*\)</kafka\.version>.*:\1:p' "$kafka_dir/pom.xml"
}

# The folder of Kafka's jars that ops/setup fills (ENROLL_KAFKA_JARS overrides it).
kafka_jars() {
  echo "${ENROLL_KAFKA_JARS:-${XDG_CACHE_HOME:-$HOME/.cache}/enroll/kafka-$(kafka_version)}"
}

# kafka_cds: the class-data sharing archive of Kafka's classes beside the jars (ops/setup makes
# it): a JVM that maps it starts Kafka in about half the time.
kafka_cds() {
  echo "$(kafka_jars)/kafka.jsa"
}

# kafka_java MAIN ARGS...: runs a Kafka main class with the cached jars, their class-data
# sharing archive if there is one (unless kafka_cds_off is set) and the quiet log4j2
# configuration; JVM options from the array kafka_java_opts, and under `timeout
# $kafka_timeout` if that is set. It execs java, so call it only in a subshell of its own:
# in the background (then $! is the JVM's pid) or inside $(...).
kafka_java_opts=()
kafka_timeout=
kafka_cds_off=
kafka_java() {
  local jars cds pre=() share=()
  jars=$(kafka_jars)
  cds=$(kafka_cds)
  if [[ -n $kafka_timeout ]]; then pre=(timeout "$kafka_timeout"); fi
  # -Xshare:auto: an archive that does not fit (another JVM build) is silently not used.
  if [[ -z $kafka_cds_off && -f $cds ]]; then share=("-XX:SharedArchiveFile=$cds" -Xshare:auto); fi
  exec "${pre[@]}" java -Dlog4j2.configurationFile="$kafka_dir/log4j2.properties" \
    -Djava.awt.headless=true "${share[@]}" "${kafka_java_opts[@]}" -cp "$jars/*" "$@"
}

# kafka_cds_usable: the JVM maps the archive with these jars (-Xshare:on fails otherwise).
kafka_cds_usable() {
  local jars
  jars=$(kafka_jars)
  [[ -f $(kafka_cds) ]] &&
    java "-XX:SharedArchiveFile=$(kafka_cds)" -Xshare:on -cp "$jars/*" -version >/dev/null 2>&1
}

# kafka_check_jars: fails with one line if Java or the jars are missing.
kafka_check_jars() {
  local jars
  jars=$(kafka_jars)
  command -v java >/dev/null || {
    echo "java not found (run ops/setup)"
    return 1
  }
  [[ -f $jars/kafka_2.13-$(kafka_version).jar ]] || {
    echo "Kafka $(kafka_version) is not in $jars (run ops/setup)"
    return 1
  }
}

# kafka_node_alive PID DIR: PID is a live java whose command line names a file in a data
# folder that ops/kafka/start made in DIR (so a recycled pid is never taken for a broker).
kafka_node_alive() {
  local pid=$1 dir=$2
  proc_alive "$pid" java || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/kafka-data."
}
