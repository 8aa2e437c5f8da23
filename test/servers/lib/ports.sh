# Every port is PORT_BASE + the service's standard port, so one number moves a whole stack.

PORT_VARS="IMAP_PORT IMAPS_PORT LMTP_PORT SUBMISSION_PORT SUBMISSIONS_PORT MANAGESIEVE_PORT SMTP_RELAY_PORT
  LDAP_PORT LDAPS_PORT RADICALE_PORT CYRUS_HTTP_PORT"

set_ports() { # port-base
  local b=$1
  [[ "$b" =~ ^[0-9]+$ ]] && [ "$b" -ge 1024 ] && [ $((b + 8008)) -le 65535 ] ||
    die "PORT_BASE must be a number from 1024 to 57527, not '$b'"
  PORT_BASE=$b
  IMAP_PORT=$((b + 143))
  IMAPS_PORT=$((b + 993))
  LMTP_PORT=$((b + 24))
  SUBMISSION_PORT=$((b + 587))
  SUBMISSIONS_PORT=$((b + 465))
  MANAGESIEVE_PORT=$((b + 4190))
  SMTP_RELAY_PORT=$((b + 25))
  LDAP_PORT=$((b + 389))
  LDAPS_PORT=$((b + 636))
  RADICALE_PORT=$((b + 5232))
  CYRUS_HTTP_PORT=$((b + 8008))
}

# Exit status 3 (not 1) lets a caller tell "pick another PORT_BASE" from a real failure.
ensure_ports_free() {
  local v
  for v in $PORT_VARS; do
    if port_open "${!v}"; then
      echo "servers.sh: port ${!v} ($v) is already in use; choose another PORT_BASE" >&2
      exit 3
    fi
  done
}
