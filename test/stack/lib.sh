# shellcheck shell=bash
# Settings and helpers shared by test/stack/start and test/stack/stop (sourced, not run).
#
# Environment (all optional):
#   SLURMSCOPE_STACK_DIR          all state, configs, logs, PID files   (default /tmp/slurmscope-stack)
#   SLURMSCOPE_STACK_PORT_BASE    every port is BASE + a fixed offset    (default 17000)
#   SLURMSCOPE_STACK_NODE_PREFIX  node names PREFIX1..PREFIX3            (default n)
#   SLURMSCOPE_STACK_CGROUP_ROOT  where cgroup v1 is mounted              (default /sys/fs/cgroup)
#
# Port offsets from BASE (keep them < 1000 so that two stacks 10000 apart never collide):
#   +25  SMTP sink            +86  InfluxDB HTTP        +88  InfluxDB RPC (bind-address)
#   +90  Prometheus           +93  Alertmanager         +306 MariaDB
#   +428 VictoriaMetrics      +817 slurmctld            +818 ctld (reserved: demo / tests)
#   +819 slurmdbd             +820 slurmrestd           +830 SlurmdPort (unused default)
#   +831..+833 slurmd of node 1..3                      +899 ghost nodes (nothing listens)
#   +901..+903 agent /metrics of node 1..3 (reserved: demo / tests)

STACK=${SLURMSCOPE_STACK_DIR:-/tmp/slurmscope-stack}
BASE=${SLURMSCOPE_STACK_PORT_BASE:-17000}
PREFIX=${SLURMSCOPE_STACK_NODE_PREFIX:-n}
CGROOT=${SLURMSCOPE_STACK_CGROUP_ROOT:-/sys/fs/cgroup}
CLUSTER=slurmscope
HOST=$(hostname -s)

case $BASE in '' | *[!0-9]*) echo "SLURMSCOPE_STACK_PORT_BASE must be a number" >&2; exit 2 ;; esac
if [ "$BASE" -lt 1024 ] || [ "$BASE" -gt 64000 ]; then
  echo "SLURMSCOPE_STACK_PORT_BASE must be within 1024..64000" >&2
  exit 2
fi

NODES=("${PREFIX}1" "${PREFIX}2" "${PREFIX}3")
GHOSTS=(ghost1 ghost2)

P_SMTP=$((BASE + 25))
P_INFLUX=$((BASE + 86))
P_INFLUX_RPC=$((BASE + 88))
P_PROM=$((BASE + 90))
P_AM=$((BASE + 93))
P_MARIADB=$((BASE + 306))
P_VM=$((BASE + 428))
P_SLURMCTLD=$((BASE + 817))
P_CTLD=$((BASE + 818))
P_SLURMDBD=$((BASE + 819))
P_SLURMRESTD=$((BASE + 820))
P_SLURMD=$((BASE + 830))
P_GHOST=$((BASE + 899))
node_port() { echo $((BASE + 830 + $1)); }  # $1 = 1..3
agent_port() { echo $((BASE + 900 + $1)); } # $1 = 1..3

ETC=$STACK/slurm/etc
RUN=$STACK/run
LOGS=$STACK/logs
export SLURM_CONF=$ETC/slurm.conf

T0=${EPOCHREALTIME/./}
# Microseconds since the script started, printed as seconds.
elapsed() { local now=${EPOCHREALTIME/./}; printf '%d.%02d' $(((now - T0) / 1000000)) $((((now - T0) / 10000) % 100)); }

# alive PID: the process exists and is not a zombie (a killed daemon stays Z until PID 1 reaps it).
alive() {
  local st
  st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

# ours PIDFILE COMM: the PID file names a live process whose command name is COMM (no PID reuse).
ours() {
  local pid comm
  [ -s "$1" ] || return 1
  pid=$(<"$1")
  alive "$pid" || return 1
  comm=$(<"/proc/$pid/comm") || return 1
  [ "$comm" = "${2:0:15}" ]
}

# wait_for WHAT SECONDS LOG CMD...: polls CMD every 0.1 s; on timeout prints LOG's tail and fails.
wait_for() {
  local what=$1 secs=$2 log=$3 deadline
  shift 3
  deadline=$((${EPOCHREALTIME/./} + secs * 1000000))
  until "$@" >/dev/null 2>&1; do
    if [ "${EPOCHREALTIME/./}" -gt "$deadline" ]; then
      echo "TIMEOUT after ${secs}s waiting for $what; last lines of $log:" >&2
      tail -n 25 "$log" >&2 2>/dev/null || echo "  ($log is missing)" >&2
      return 1
    fi
    sleep 0.1
  done
}

# ready NAME STATUS: one readiness line per service.
ready() { printf '%-16s %-8s +%ss\n' "$1" "$2" "$(elapsed)"; }

# write_file PATH MODE: stdin to PATH, replaced only when its content changed (configs stay stable).
write_file() {
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  if [ -f "$1" ] && cmp -s "$tmp" "$1"; then
    rm -f "$tmp"
    chmod "$2" "$1"
  else
    mv -f "$tmp" "$1"
  fi
}
