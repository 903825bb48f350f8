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
# $kafka_timeout` if that is set, in a session of its own if kafka_setsid is set. It execs
# java, so call it only in a subshell of its own: in the background (then $! is the JVM's
# pid) or inside $(...).
kafka_java_opts=()
kafka_timeout=
kafka_cds_off=
kafka_setsid=
kafka_java() {
  local jars cds pre=() share=()
  jars=$(kafka_jars)
  cds=$(kafka_cds)
  if [[ -n $kafka_timeout ]]; then pre=(timeout "$kafka_timeout"); fi
  # setsid execs (it does not fork) unless the caller leads its process group, which a
  # background subshell does not.
  if [[ -n $kafka_setsid ]]; then pre=(setsid "${pre[@]}"); fi
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

# kafka_node_opts HEAP: the JVM options of a node, one a line. -Xmx HEAP; G1 with Kafka's own
# pause target; metaspace and direct memory bounded too, so that several test runs fit beside
# each other.
kafka_node_opts() {
  printf '%s\n' -Xms64m "-Xmx$1" -XX:MaxMetaspaceSize=128m -XX:MaxDirectMemorySize=128m \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -server
}

# kafka_answers N PORT [CONTROLLER_PORT PORT ...]: every broker (the ports at odd positions
# of the list, as ops/kafka/start keeps them) answers a client's metadata request (Kafka's
# protocol, Metadata v4, no topics) listing all N brokers (only those the controller has
# unfenced are listed). In Python: a JVM-based tool would add seconds to every start.
kafka_answers() {
  python3 - "$@" <<'PY'
import socket, struct, sys

count, ports = int(sys.argv[1]), [int(p) for p in sys.argv[2::2]]

def listed_brokers(port):
    client = b"ops-kafka-start"
    # api_key 3 (Metadata), version 4, correlation id, client id; topics [] and no creation
    body = struct.pack(">hhih", 3, 4, 1, len(client)) + client + struct.pack(">ib", 0, 0)
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(struct.pack(">i", len(body)) + body)
        data = b""
        while len(data) < 4 or len(data) < 4 + struct.unpack(">i", data[:4])[0]:
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            data += chunk
    # size, correlation id, throttle time, then the brokers array's length
    return struct.unpack(">iiii", data[:16])[3]

try:
    sys.exit(0 if all(listed_brokers(p) == count for p in ports) else 1)
except (OSError, EOFError, struct.error):
    sys.exit(1)
PY
}
