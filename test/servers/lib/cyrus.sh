# Cyrus 3.6 httpd: CalDAV/CardDAV with RFC 6638 scheduling (free/busy over the schedule outbox), users in a
# SASL db below DIR. Only the http and lmtp services run; no Cyrus IMAP (it conflicts with dovecot-imapd).

cyrus_configure() {
  local y="$DIR/cyrus" u
  mkdir -p "$y/config" "$y/spool" "$y/sieve" "$y/run"
  # defaultdomain makes calendar-user-address-set mailto:alice@example.test (else alice@internal)
  cat > "$y/imapd.conf" << CONF
configdirectory: $y/config
defaultpartition: default
partition-default: $y/spool
sievedir: $y/sieve
servername: localhost
defaultdomain: $MAIL_DOMAIN
admins: cyrusadmin
unixhierarchysep: yes
altnamespace: yes
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $y/sasldb2
sasl_mech_list: PLAIN LOGIN
httpmodules: caldav carddav freebusy
httpallowcompress: no
autocreate_quota: 0
autocreate_post: yes
lmtpsocket: $y/run/lmtp
idlesocket: $y/run/idle
notifysocket: $y/run/notify
syslog_prefix: quire-cyrus
CONF
  # every service needs -C, or it reads /etc/imapd.conf
  cat > "$y/cyrus.conf" << CONF
START {
  recover cmd="ctl_cyrusdb -C $y/imapd.conf -r"
}
SERVICES {
  http cmd="httpd -C $y/imapd.conf" listen="$HOST:$CYRUS_HTTP_PORT" prefork=0
  lmtpunix cmd="lmtpd -C $y/imapd.conf" listen="$y/run/lmtp" prefork=0
}
EVENTS {
}
DAEMON {
}
CONF
  for u in $USERS; do password_of "$u" | tr -d "\n" | /usr/sbin/saslpasswd2 -p -c -f "$y/sasldb2" -u localhost "$u"; done
  # Debian's makedirs builds the spool layout for the config it is pointed at
  sed "s#^CONF=/etc/imapd.conf#CONF=$y/imapd.conf#; s#^\[ -r /etc/default/cyrus-imapd \].*##" \
    /usr/lib/cyrus/bin/makedirs > "$y/makedirs.sh"
  sh "$y/makedirs.sh" > "$DIR/logs/cyrus.log" 2>&1 || { show_log cyrus; die "cyrus makedirs failed"; }
  chown -R cyrus:mail "$y"
}

cyrus_start() {
  # Cyrus logs only to syslog (there is no /dev/log here): DIR/logs/cyrus.log holds just the master's output.
  # Its own session: on SIGTERM Cyrus's master signals its whole process group, which would otherwise be
  # the caller's and take down every other stack's Cyrus with it (setsid execs in place, so $! stays its PID).
  nohup setsid /usr/lib/cyrus/bin/master -C "$DIR/cyrus/imapd.conf" -M "$DIR/cyrus/cyrus.conf" -p "$DIR/cyrus/run/master.pid" -D \
    >> "$DIR/logs/cyrus.log" 2>&1 < /dev/null &
  record_pid cyrus $!
  wait_port cyrus "$CYRUS_HTTP_PORT" 20
  http_has cyrus "http://$HOST:$CYRUS_HTTP_PORT/" Cyrus
}

# A Cyrus user exists only once its INBOX does: one LMTP delivery autocreates it (autocreate_post), and the
# user's first authenticated DAV request then creates its Default calendar, Inbox and Outbox.
cyrus_provision_users() {
  local y="$DIR/cyrus" u i
  for ((i = 0; i < 100; i++)); do
    if [ -S "$y/run/lmtp" ]; then break; fi
    sleep 0.05
  done
  /usr/bin/python3 - "$y/run/lmtp" $USERS << 'PY' || die "cyrus: LMTP provisioning failed"
import smtplib, sys
lmtp = smtplib.LMTP(sys.argv[1])
for user in sys.argv[2:]:
    lmtp.sendmail('setup@example.test', [user], f'From: setup@example.test\r\nTo: {user}\r\nSubject: provision\r\n\r\nx\r\n')
lmtp.quit()
PY
  for u in $USERS; do
    curl -sf -o /dev/null -u "$u:$(password_of "$u")" -X PROPFIND -H 'Depth: 0' "http://$HOST:$CYRUS_HTTP_PORT/dav/calendars/user/$u/" ||
      die "cyrus: could not provision $u's calendars"
  done
}
