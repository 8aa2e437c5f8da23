# Servers are known only by the PIDs recorded in DIR/pids/<server>.pid, never by process name: other
# stacks (and the system's own daemons) run the same programs.

record_pid() { # server pid
  echo "$2" > "$DIR/pids/$1.pid"
}

recorded_pid() { # server
  local f="$DIR/pids/$1.pid"
  [ -f "$f" ] && cat "$f"
}

start_time() { # pid: prints its start time (clock ticks after boot); fails when it is gone
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -ra fields <<< "${stat##*) }"
  # PID 1 on these VMs reaps slowly, so an exited server can linger as a zombie: count that as gone
  [ "${fields[0]}" != Z ] && echo "${fields[19]}"
}

# Every server is started with a path below DIR on its command line; a recycled PID has another one.
is_ours() { # pid
  local cmdline
  cmdline=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$DIR/"* ]]
}

server_running() { # server
  local pid
  pid=$(recorded_pid "$1") || return 1
  start_time "$pid" > /dev/null && is_ours "$pid"
}

running_servers() { # server...: prints the names of those running
  local s running=()
  for s in "$@"; do
    if server_running "$s"; then running+=("$s"); fi
  done
  echo "${running[*]}"
}

process_tree() { # pid: prints "pid:start-time" for it and every process below it
  local pid st
  for pid in $(ps -e -o pid= -o ppid= | awk -v root="$1" '
      { parent[$1] = $2 }
      END {
        tree[root] = 1
        do { added = 0; for (p in parent) if (!(p in tree) && (parent[p] in tree)) { tree[p] = 1; added = 1 } } while (added)
        for (p in tree) print p
      }'); do
    if st=$(start_time "$pid"); then echo "$pid:$st"; fi
  done
}

alive_of() { # "pid:start-time"...: prints those still alive (the same process, not a recycled PID)
  local e
  for e in "$@"; do
    if [ "$(start_time "${e%%:*}")" = "${e#*:}" ]; then echo "$e"; fi
  done
}

wait_gone() { # tenths-of-a-second "pid:start-time"...: prints those still alive when the time is up
  local i left
  left=$(alive_of "${@:2}")
  for ((i = 0; i < $1 && ${#left} > 0; i++)); do
    sleep 0.1
    left=$(alive_of $left)
  done
  echo $left
}

# SIGTERM each running server, then wait up to 10 s for it and every process below it (children of a
# master can outlive it for a moment and still hold its ports); SIGKILL whatever is left after that.
stop_servers() { # server...
  local s pid procs=() left
  for s in "$@"; do
    server_running "$s" || continue
    pid=$(recorded_pid "$s")
    # the tree is taken before the signal: once the master is gone its children belong to PID 1
    mapfile -t -O "${#procs[@]}" procs < <(process_tree "$pid")
    kill -TERM "$pid" 2> /dev/null || true
    echo "stopping $s (pid $pid)"
  done
  left=$(wait_gone 100 "${procs[@]}")
  [ -n "$left" ] || return 0
  echo "still running 10 s after SIGTERM, sending SIGKILL: $left" >&2
  kill -KILL $(for e in $left; do echo "${e%%:*}"; done) 2> /dev/null || true
  left=$(wait_gone 50 $left)
  [ -z "$left" ] || die "processes survived SIGKILL: $left"
}

ensure_all_running() { # a server that lost a port race or crashed on its config exits soon after starting
  local s
  sleep 0.2
  for s in $ALL_SERVERS; do
    server_running "$s" || { show_log "$s"; die "$s exited right after starting"; }
  done
}
