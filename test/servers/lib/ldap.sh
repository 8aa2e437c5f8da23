# OpenLDAP 2.5 slapd: dc=example,dc=test with ou=people (three inetOrgPerson entries; alice also has an S/MIME
# userCertificate;binary) and cn=engineering,ou=groups (alice, bob). ldap:// with StartTLS and ldaps://.
# Admin: cn=admin,dc=example,dc=test / adminpass; people bind as uid=<user>,ou=people,... with their password.

LDAP_BASE_DN=dc=example,dc=test
LDAP_ADMIN_DN=cn=admin,$LDAP_BASE_DN
LDAP_ADMIN_PASSWORD=adminpass

slapd_configure() {
  local l="$DIR/ldap" c="$DIR/certs"
  mkdir -p "$l/db"
  cat > "$l/slapd.conf" << CONF
include   /etc/ldap/schema/core.schema
include   /etc/ldap/schema/cosine.schema
include   /etc/ldap/schema/inetorgperson.schema
pidfile   $l/slapd.pid
argsfile  $l/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile    $c/server.pem
TLSCertificateKeyFile $c/server.key
sizelimit 500

database  mdb
maxsize   104857600
suffix    "$LDAP_BASE_DN"
rootdn    "$LDAP_ADMIN_DN"
rootpw    $LDAP_ADMIN_PASSWORD
directory $l/db
index objectClass eq
index cn,sn,givenName,mail eq,sub
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
CONF
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Alice Example/emailAddress=alice@$MAIL_DOMAIN" \
    -keyout "$c/alice-smime.key" -outform DER -out "$c/alice-smime.der" 2> /dev/null
  ldap_data > "$l/data.ldif"
  /usr/sbin/slapadd -q -f "$l/slapd.conf" -l "$l/data.ldif" > "$DIR/logs/slapd.log" 2>&1 ||
    { show_log slapd; die "slapadd could not load $l/data.ldif"; }
}

ldap_person() { # uid cn given-name surname title phone
  printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\ngivenName: %s\nsn: %s\nmail: %s@%s\ntitle: %s\ntelephoneNumber: %s\nuserPassword: %s\n' \
    "$1" "$LDAP_BASE_DN" "$1" "$2" "$3" "$4" "$1" "$MAIL_DOMAIN" "$5" "$6" "$(password_of "$1")"
}

ldap_data() {
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example Test Org\n\n' "$LDAP_BASE_DN"
  printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$LDAP_BASE_DN"
  printf 'dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n\n' "$LDAP_BASE_DN"
  ldap_person alice "Alice Example" Alice Example "Engineering Manager" "+1 555 0100"
  printf 'userCertificate;binary:: %s\n\n' "$(base64 -w0 "$DIR/certs/alice-smime.der")"
  ldap_person bob "Bob Example" Bob Example "Software Engineer" "+1 555 0101"
  echo
  ldap_person carol "Carol Sample" Carol Sample "Designer" "+1 555 0102"
  echo
  printf 'dn: cn=engineering,ou=groups,%s\nobjectClass: groupOfNames\ncn: engineering\ndescription: Engineering team\nmember: uid=alice,ou=people,%s\nmember: uid=bob,ou=people,%s\n' \
    "$LDAP_BASE_DN" "$LDAP_BASE_DN" "$LDAP_BASE_DN"
}

slapd_start() {
  # -d keeps slapd in the foreground (so $! is slapd itself) and logging to stderr; "none" logs only errors
  nohup /usr/sbin/slapd -f "$DIR/ldap/slapd.conf" -h "ldap://$HOST:$LDAP_PORT/ ldaps://$HOST:$LDAPS_PORT/" -d none \
    >> "$DIR/logs/slapd.log" 2>&1 < /dev/null &
  record_pid slapd $!
  wait_port slapd "$LDAP_PORT" 10
  /usr/bin/ldapsearch -x -LLL -H "ldap://$HOST:$LDAP_PORT" -b "uid=alice,ou=people,$LDAP_BASE_DN" -s base uid > /dev/null ||
    { show_log slapd; die "slapd does not answer a search"; }
}
