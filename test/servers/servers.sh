#!/usr/bin/env bash
# Real mail, calendar and directory servers on 127.0.0.1 for Quire's integration tests; all state in DIR.
#
#   servers.sh start DIR [--install]  fresh DIR, start every server, write DIR/servers.env and DIR/pids/*.pid
#   servers.sh stop DIR [--clean]     stop the recorded servers and wait for all their processes; --clean removes DIR
#   servers.sh restart-dovecot DIR    stop and start Dovecot only, same config and mail (client reconnect tests)
#   servers.sh install                apt-install the missing Debian packages of every server (CI runs this)
#
# Servers: Dovecot (IMAP+STARTTLS, IMAPS, LMTP, Submission+STARTTLS, Submissions, ManageSieve), OpenSMTPD
# (relay behind Dovecot submission: example.test goes to Dovecot LMTP, every other domain to a local Maildir),
# Radicale (CalDAV/CardDAV), Cyrus httpd (CalDAV with RFC 6638 scheduling), OpenLDAP slapd (StartTLS, ldaps).
# Users alice/alicepass, bob/bobpass, carol/carolpass, mail <user>@example.test. TLS certificates come from a
# throwaway CA, DIR/certs/ca.pem. --install apt-installs the missing Debian packages first.
#
# Env: PORT_BASE (default 20000): every port is PORT_BASE + the service's standard port.
# Exit status: 0 ok, 1 failure (a failed start stops what it started), 2 usage, 3 a port is already in use.
set -Eeuo pipefail

HERE=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
for lib in "$HERE"/lib/*.sh; do
  # shellcheck source=/dev/null
  source "$lib"
done

usage() {
  echo "usage: $0 start DIR [--install] | stop DIR [--clean] | restart-dovecot DIR | install" >&2
  exit 2
}

cmd_start() {
  local install=0 t0
  [ $# -le 1 ] || usage
  case "${1:-}" in '') ;; --install) install=1 ;; *) usage ;; esac
  require_root
  if [ "$install" = 1 ]; then install_missing_packages; fi
  require_binaries
  check_dir
  set_ports "${PORT_BASE:-20000}"
  ensure_ports_free
  prepare_dir
  # From here on, any failure or interruption stops whatever was started.
  trap 'FAILED_AT="line $LINENO: $BASH_COMMAND"' ERR
  trap stop_after_failed_start EXIT
  trap 'exit 1' INT TERM
  t0=$(now_ms)
  make_certs
  dovecot_configure
  dovecot_start
  dovecot_create_folders
  opensmtpd_configure
  opensmtpd_start
  radicale_configure
  radicale_start
  radicale_create_collections
  slapd_configure
  slapd_start
  cyrus_configure
  cyrus_start
  cyrus_provision_users
  ensure_all_running
  write_env_file
  trap - ERR EXIT INT TERM
  echo "all servers up in $(($(now_ms) - t0)) ms; env: $DIR/servers.env, logs: $DIR/logs"
}

stop_after_failed_start() {
  local status=$?
  [ "$status" != 0 ] || return 0
  echo "servers.sh: start failed${FAILED_AT:+ at $FAILED_AT}; stopping what was started (logs: $DIR/logs)" >&2
  stop_servers $ALL_SERVERS >&2 || true
  exit "$status"
}

cmd_stop() {
  local clean=0
  [ $# -le 1 ] || usage
  case "${1:-}" in '') ;; --clean) clean=1 ;; *) usage ;; esac
  if [ -d "$DIR/pids" ]; then stop_servers $ALL_SERVERS; else echo "nothing recorded in $DIR/pids"; fi
  if [ "$clean" = 1 ] && [ -f "$DIR/$MARKER" ]; then rm -rf "$DIR"; fi
}

cmd_restart_dovecot() {
  [ $# = 0 ] || usage
  load_env_file
  stop_servers dovecot
  dovecot_start
}

if [ "${1:-}" = install ] && [ $# = 1 ]; then
  require_root
  install_missing_packages
  require_binaries
  exit 0
fi
[ $# -ge 2 ] || usage
COMMAND=$1
DIR=$(realpath -m "$2")
shift 2
case "$COMMAND" in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  restart-dovecot) cmd_restart_dovecot "$@" ;;
  *) usage ;;
esac
