# OpenSMTPD 6.8: the MTA behind Dovecot submission. example.test goes to Dovecot LMTP; every other domain is
# written to a local Maildir (OUTBOUND_SINK_MAILDIR) so tests can read what "left", and nothing leaves.

opensmtpd_configure() {
  local s="$DIR/smtpd" c="$DIR/certs" u
  mkdir -p "$s/spool" "$s/run" "$s/outbound"
  chown mail:mail "$s/outbound"
  cat > "$s/smtpd.conf" << CONF
pki mail.$MAIL_DOMAIN cert "$c/server.pem"
pki mail.$MAIL_DOMAIN key "$c/server.key"
table vusers file:$s/vusers
table sinkusers file:$s/sinkusers
listen on $HOST port $SMTP_RELAY_PORT hostname mail.$MAIL_DOMAIN
# local users: LMTP into Dovecot; unknown $MAIL_DOMAIN users are refused at RCPT, because OpenSMTPD would
# retry an LMTP 550 forever instead of bouncing it
action "dovecot" lmtp "$HOST:$LMTP_PORT" rcpt-to virtual <vusers>
action "sink" maildir "$s/outbound" virtual <sinkusers>
match from any for domain "$MAIL_DOMAIN" action "dovecot"
match from any for any action "sink"
CONF
  for u in $USERS postmaster; do echo "$u@$MAIL_DOMAIN mail"; done > "$s/vusers"
  echo "@ mail" > "$s/sinkusers"
  # The spool (/var/spool/smtpd) and control socket (/run/smtpd.sock) are compiled in: smtpd runs in a
  # private mount namespace with DIR/smtpd/{spool,run} over /var/spool and /run, so stacks can run side by side.
  cat > "$s/run-smtpd.sh" << SCRIPT
#!/bin/sh
set -e
mount --bind "$s/spool" /var/spool
mount --bind "$s/run" /run
exec /usr/sbin/smtpd -d -f "$s/smtpd.conf"
SCRIPT
  chmod +x "$s/run-smtpd.sh"
  /usr/sbin/smtpd -n -f "$s/smtpd.conf" > "$DIR/logs/opensmtpd.log" 2>&1 ||
    { show_log opensmtpd; die "opensmtpd rejected $s/smtpd.conf"; }
}

opensmtpd_start() {
  # unshare and the script exec into smtpd, so $! is smtpd itself
  nohup unshare -m --propagation private "$DIR/smtpd/run-smtpd.sh" >> "$DIR/logs/opensmtpd.log" 2>&1 < /dev/null &
  record_pid opensmtpd $!
  wait_port opensmtpd "$SMTP_RELAY_PORT" 10
  banner_has opensmtpd "$SMTP_RELAY_PORT" OpenSMTPD
}
