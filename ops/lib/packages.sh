# shellcheck shell=bash
# Debian packages that a script needs: sourced, not executed.

# ensure_packages WHO PACKAGE...: installs those of the packages that are not installed
# (apt-get, quiet) when root; otherwise names them with the command to run and fails.
ensure_packages() {
  local who=$1 p missing=()
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "$who: missing packages; run as root:" >&2
    echo "  apt-get update && $cmd" >&2
    return 1
  fi
  echo "$who: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_commands WHO COMMAND=PACKAGE...: the same for programs that may come from elsewhere
# than Debian (node and npm from NodeSource, say): a package only for a command not on PATH.
ensure_commands() {
  local who=$1 pair missing=()
  shift
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
  done
  ((${#missing[@]} == 0)) || ensure_packages "$who" "${missing[@]}"
}
