# DIR/servers.env: what clients need to reach this stack, as KEY=VALUE lines (no quoting, so bash can source
# it and test/servers/servers-env.ts can parse it).

write_env_file() {
  local u
  {
    echo "# written by test/servers/servers.sh start"
    echo "SERVERS_DIR=$DIR"
    echo "PORT_BASE=$PORT_BASE"
    echo "TEST_CA_CERT=$DIR/certs/ca.pem"
    echo "MAIL_DOMAIN=$MAIL_DOMAIN"
    for u in $USERS; do
      echo "TEST_EMAIL_$u=$u@$MAIL_DOMAIN"
      echo "TEST_PASSWORD_$u=$(password_of "$u")"
    done
    echo "SERVERS_HOST=$HOST"
    echo "IMAP_PORT=$IMAP_PORT"
    echo "IMAPS_PORT=$IMAPS_PORT"
    echo "SUBMISSION_PORT=$SUBMISSION_PORT"
    echo "SUBMISSIONS_PORT=$SUBMISSIONS_PORT"
    echo "MANAGESIEVE_PORT=$MANAGESIEVE_PORT"
    echo "LMTP_PORT=$LMTP_PORT"
    echo "SMTP_RELAY_PORT=$SMTP_RELAY_PORT"
    echo "MAILDIR_ROOT=$DIR/mail"
    echo "OUTBOUND_SINK_MAILDIR=$DIR/smtpd/outbound"
    echo "LDAP_URL=ldap://$HOST:$LDAP_PORT"
    echo "LDAPS_URL=ldaps://$HOST:$LDAPS_PORT"
    echo "LDAP_BASE_DN=$LDAP_BASE_DN"
    echo "LDAP_BIND_DN=$LDAP_ADMIN_DN"
    echo "LDAP_BIND_PASSWORD=$LDAP_ADMIN_PASSWORD"
    echo "RADICALE_URL=http://$HOST:$RADICALE_PORT"
    echo "CYRUS_DAV_URL=http://$HOST:$CYRUS_HTTP_PORT"
  } > "$DIR/servers.env"
}

load_env_file() {
  [ -f "$DIR/servers.env" ] || die "no $DIR/servers.env; start the servers first"
  # shellcheck source=/dev/null
  source "$DIR/servers.env"
  set_ports "$PORT_BASE"
}
