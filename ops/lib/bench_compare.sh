# shellcheck shell=bash
# ops/bench --compare (issue 16, item 6): sourced by ops/bench, run from the repository root.
# One run side by side on the peers' workload (../shared/peers/README.md: self-service, closed
# loop): this project with a cheap Argon2id cost (1 pass / 8 KiB: the peers hash nothing, so
# this is the like-for-like orchestration figure) and at its default cost, then XState + BullMQ
# and Restate (2 partitions: the peers' "Restate at its best"), each at C=50 and C=200; then
# one Markdown table on stdout (ops/lib/compare_table.py). The peers' run.sh scripts are called
# directly (not their compare.sh) so that each run's JSON is at hand for the table.

# bench_compare COUNT PEERS_DIR [ops/bench flags...]
bench_compare() {
  local count=$1 peers=$2 c
  shift 2
  [[ -f $peers/xstate-bullmq/run.sh && -f $peers/restate/run.sh ]] || {
    echo "ops/bench: no peers in '$peers' (want xstate-bullmq/run.sh and restate/run.sh; --peers DIR)" >&2
    exit 2
  }
  # The peers' run.sh need node, npm and jq (and install redis-server themselves).
  # shellcheck source=SCRIPTDIR/packages.sh
  source ops/lib/packages.sh
  ensure_commands ops/bench node=nodejs npm=npm jq=jq
  local out
  out=$(mktemp -d "${TMPDIR:-/tmp}/enroll-compare.XXXXXX")
  echo "== side by side, $count registrations per run; results in $out" >&2
  # The peers' folder may be read-only and their run.sh installs npm packages beside itself:
  # a writable copy, under build/ so that its node_modules are installed once, not per run.
  local copy=build/compare-peers
  mkdir -p "$copy"
  cp -r "$peers/common" "$peers/restate" "$peers/xstate-bullmq" "$copy/"
  chmod -R u+w "$copy"
  local failed=0
  for c in 50 200; do
    echo "== this project, Argon2id 1 pass / 8 KiB, C=$c" >&2
    ENROLL_PASSCODE_OPSLIMIT=1 ENROLL_PASSCODE_MEMLIMIT_KIB=8 nice -n 10 ops/bench --count "$count" \
      --concurrency "$c" --json "$@" >"$out/project-cheap-c$c.json" 2>"$out/project-cheap-c$c.err" ||
      { echo "ops/bench: the cheap run at C=$c failed (see $out/project-cheap-c$c.err)" >&2; failed=1; }
    echo "== this project, default Argon2id, C=$c" >&2
    env -u ENROLL_PASSCODE_OPSLIMIT -u ENROLL_PASSCODE_MEMLIMIT_KIB nice -n 10 ops/bench \
      --count "$count" --concurrency "$c" --json "$@" >"$out/project-argon2id-c$c.json" \
      2>"$out/project-argon2id-c$c.err" ||
      { echo "ops/bench: the default-cost run at C=$c failed (see $out/project-argon2id-c$c.err)" >&2; failed=1; }
  done
  # One run per concurrency (the peers' own default is the median of 3), after their warm-up.
  echo "== XState + BullMQ (AOF everysec), C=50 and C=200" >&2
  N=$count CONC="50 200" RUNS=1 WARMUP=500 nice -n 10 "$copy/xstate-bullmq/run.sh" \
    >"$out/xstate-bullmq.json" 2>"$out/xstate-bullmq.err" ||
    { echo "ops/bench: the XState + BullMQ run failed (see $out/xstate-bullmq.err)" >&2; failed=1; }
  echo "== Restate (2 partitions), C=50 and C=200" >&2
  N=$count CONC="50 200" RUNS=1 WARMUP=500 RESTATE_DEFAULT_NUM_PARTITIONS=2 nice -n 10 \
    "$copy/restate/run.sh" >"$out/restate.json" 2>"$out/restate.err" ||
    { echo "ops/bench: the Restate run failed (see $out/restate.err)" >&2; failed=1; }
  python3 ops/lib/compare_table.py "$out"
  echo "== the JSON of each run is in $out" >&2
  return "$failed"
}
