# A throwaway CA signs one server certificate that every TLS service presents; clients trust only the CA.

make_certs() {
  local c="$DIR/certs"
  mkdir -p "$c"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Quire test CA" \
    -keyout "$c/ca.key" -out "$c/ca.pem" 2> /dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$c/server.key" -out "$c/server.csr" 2> /dev/null
  # clients connect to 127.0.0.1 or localhost and check the name, so both are in the SAN
  printf '%s\n' "subjectAltName=DNS:localhost,DNS:mail.$MAIL_DOMAIN,IP:$HOST" basicConstraints=CA:FALSE \
    keyUsage=digitalSignature,keyEncipherment extendedKeyUsage=serverAuth > "$c/server.ext"
  openssl x509 -req -in "$c/server.csr" -CA "$c/ca.pem" -CAkey "$c/ca.key" -CAcreateserial -days 3650 \
    -extfile "$c/server.ext" -out "$c/server.pem" 2> /dev/null
  # OpenSMTPD refuses a key that others can read
  chmod 600 "$c/server.key" "$c/ca.key"
  chmod 644 "$c/server.pem" "$c/ca.pem"
}
