# DIR is rebuilt from nothing on every start, so every run meets the same fresh servers.

check_dir() {
  # Dovecot and Cyrus put unix sockets below DIR, and a socket path holds at most 108 bytes
  [ ${#DIR} -le 60 ] || die "$DIR is ${#DIR} characters long; keep DIR within 60 (unix socket paths)"
  [ -n "$(ls -A "$DIR" 2> /dev/null)" ] || return 0
  [ -f "$DIR/$MARKER" ] || die "$DIR is not empty and was not made by servers.sh; refusing to wipe it"
  local running
  running=$(running_servers $ALL_SERVERS)
  [ -z "$running" ] || die "servers of $DIR still running ($running); run: servers.sh stop $DIR"
}

prepare_dir() {
  rm -rf "$DIR"
  mkdir -p "$DIR/pids" "$DIR/logs"
  chmod 755 "$DIR"
  touch "$DIR/$MARKER"
  # the servers' unprivileged users (mail, cyrus, openldap, dovenull) work on files below DIR
  runuser -u mail -- test -x "$DIR" || die "$DIR is not reachable by unprivileged users (a parent dir lacks o+x); use a dir under /tmp"
}
