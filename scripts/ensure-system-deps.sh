#!/bin/sh
# Make sure the system programs devops-plan needs are present.
#   graphviz    Graphviz's dot, for diagrams (demo and tests)
#   test-tools  what the test suite drives besides Python (promtool, chromium)
# As root on Debian/Ubuntu a missing package is installed with apt-get; otherwise
# we stop with one line saying how to install it.
set -eu

apt_wait() {  # apt_wait ARGS...: apt-get, waiting while another install holds its locks
  tries=0
  until apt-get -o DPkg::Lock::Timeout=900 "$@"; do
    tries=$((tries + 1))
    # A held lists or cache lock fails at once on older apt; give the other install time.
    [ "$tries" -ge 60 ] && return 1
    echo "apt is busy (another install holds its lock); waiting..." >&2
    sleep 15
  done
}

need() {  # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian package $2 (for $1)..."
    # Another install may hold apt's locks: wait for it (up to 15 minutes) rather than fail.
    if [ ! -f /tmp/.devops-plan-apt-updated ]; then
      apt_wait update -qq && touch /tmp/.devops-plan-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt_wait install -y -qq "$2" >/dev/null
    command -v "$1" >/dev/null 2>&1 && return 0
  fi
  echo "devops-plan needs '$1': install it with 'sudo apt-get install $2' (or 'brew install $2'), then run make again." >&2
  exit 1
}

for group in "$@"; do
  case "$group" in
    graphviz) need dot graphviz ;;
    test-tools)
      if [ -f scripts/test-tools.txt ]; then
        while read -r cmd pkg; do
          case "$cmd" in ''|'#'*) continue ;; esac
          need "$cmd" "$pkg"
        done < scripts/test-tools.txt
      fi ;;
    *) echo "unknown group: $group" >&2; exit 2 ;;
  esac
done
