# Sourced by the bench scripts. stop_pid PID SIGNAL DEADLINE_S: signal one process we started, by its pid, and
# SIGKILL it if it is still there after the deadline.
stop_pid() {
  kill "-$2" "$1" 2>/dev/null || return 0
  for _ in $(seq 1 $(($3 * 10))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}
