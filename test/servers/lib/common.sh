# Names and small helpers shared by servers.sh and the other lib/*.sh files.

HOST=127.0.0.1
MAIL_DOMAIN=example.test
USERS="alice bob carol"
# every server servers.sh runs, in start order
ALL_SERVERS="dovecot opensmtpd radicale slapd cyrus"
# marks a DIR that servers.sh made: the only kind it wipes or removes
MARKER=.quire-servers

password_of() { echo "${1}pass"; }

now_ms() { date +%s%3N; }

die() {
  echo "servers.sh: $*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (the servers drop to their own users; OpenSMTPD needs a mount namespace)"
}

show_log() { # name: the end of DIR/logs/name.log, to go with a failure message
  local f="$DIR/logs/$1.log"
  [ -s "$f" ] || return 0
  echo "--- last lines of $f:" >&2
  tail -n 20 "$f" >&2
}
