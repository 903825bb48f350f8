# shellcheck shell=bash
# Helpers for the ops scripts that run background services: sourced, not executed.
# Pid files are trusted only if the process still runs the expected program, so a
# recycled pid is never signalled.

# proc_alive PID NAME: true if PID runs a program whose name starts NAME (comm is cut at
# 15 characters) and is not a zombie (a zombie left by a non-reaping init counts as gone).
proc_alive() {
  local pid=$1 name=$2 comm state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "${name:0:15}" ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# child_alive PID: for a child of this shell, not yet reaped, so its pid cannot have been
# reused. Unlike proc_alive it does not look at the name, which is still the shell's until
# the child has called exec.
child_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# pidfile_alive PIDFILE NAME: prints the pid and succeeds if PIDFILE names a live NAME.
pidfile_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  proc_alive "$pid" "$2" || return 1
  echo "$pid"
}

# signal_and_wait SIGNAL PID NAME TRIES: sends SIGNAL, then waits up to TRIES x 50 ms for
# the process to be gone. Succeeds if it is.
signal_and_wait() {
  local i
  kill "-$1" "$2" 2>/dev/null || true
  for ((i = 0; i < $4; i++)); do
    proc_alive "$2" "$3" || return 0
    sleep 0.05
  done
  ! proc_alive "$2" "$3"
}

# proc_stop PIDFILE NAME: SIGTERM, up to 10 s for a clean exit, then SIGKILL. Removes the
# pid file. Succeeds if nothing is left running.
proc_stop() {
  local pidfile=$1 name=$2 pid
  if pid=$(pidfile_alive "$pidfile" "$name"); then
    signal_and_wait TERM "$pid" "$name" 200 || signal_and_wait KILL "$pid" "$name" 40 || return 1
  fi
  rm -f "$pidfile"
}

# write_atomically FILE TEXT: readers see the whole file or none of it.
write_atomically() {
  printf '%s\n' "$2" >"$1.tmp.$$"
  mv -f "$1.tmp.$$" "$1"
}

# remove_redis_data DIR: deletes the private data directory recorded in DIR/redis.dir (only
# if it is one that ops/redis/start made inside DIR) and the record itself.
remove_redis_data() {
  local data
  data=$(cat "$1/redis.dir" 2>/dev/null) || return 0
  if [[ $data == "$1"/redis-data.* && -d $data ]]; then
    rm -rf -- "$data"
  fi
  rm -f "$1/redis.dir"
}
