# Readiness checks: a server counts as up once it answers like itself, not merely once a port opens.

port_open() { # port
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

wait_port() { # server port timeout-seconds
  local i
  for ((i = 0; i < $3 * 20; i++)); do
    if port_open "$2"; then return 0; fi
    sleep 0.05
  done
  show_log "$1"
  die "$1 did not open port $2 within $3 s"
}

banner_has() { # server port text: the first line the server sends must contain text
  local line=""
  exec 3<>"/dev/tcp/$HOST/$2" || die "$1: cannot connect to port $2"
  IFS= read -r -t 5 line <&3 || true
  exec 3<&- 3>&-
  case "$line" in
    *"$3"*) ;;
    *) die "$1: port $2 greeted with '$line', expected '$3' (another program on the port?)" ;;
  esac
}

http_has() { # server url text [curl args...]: headers and body must contain text
  local server=$1 url=$2 text=$3 out
  shift 3
  # captured, not piped to grep: with pipefail an early-exiting grep made curl fail on SIGPIPE
  out=$(curl -s -m 5 -D - "$@" "$url" 2>/dev/null || true)
  case "$out" in
    *"$text"*) ;;
    *) show_log "$server"; die "$server: $url did not answer with '$text'" ;;
  esac
}
