# Radicale 3.1: CalDAV/CardDAV with basic auth. Every user gets a "calendar" and a "contacts" collection;
# the rights file shares alice/shared (+ alice/shared-contacts) read-only with bob and carol, bob/team with carol.

radicale_configure() {
  local r="$DIR/radicale" u
  mkdir -p "$r/collections"
  for u in $USERS; do echo "$u:$(password_of "$u")"; done > "$r/users"
  cat > "$r/config" << CONF
[server]
hosts = $HOST:$RADICALE_PORT
[auth]
type = htpasswd
htpasswd_filename = $r/users
htpasswd_encryption = plain
delay = 0
[rights]
type = from_file
file = $r/rights
[storage]
filesystem_folder = $r/collections
[web]
type = none
[logging]
level = info
mask_passwords = True
CONF
  # First matching section wins: the owner rules must come before any read-only rule that matches the
  # principal collection, or the principal is never created and MKCALENDAR answers 409.
  cat > "$r/rights" << 'CONF'
# R/W: collections without tag (root, principals); r/w: calendars and address books
[root]
user: .+
collection:
permissions: R
[owner-principal]
user: .+
collection: {user}
permissions: RW
[owner-collections]
user: .+
collection: {user}/.+
permissions: rw
[alice-shared-read]
user: bob|carol
collection: alice/(shared|shared-contacts)(/.*)?
permissions: r
[bob-team-rw]
user: carol
collection: bob/team(/.*)?
permissions: rw
# other users' principal collections may be listed
[principals]
user: .+
collection: [^/]+
permissions: R
CONF
}

radicale_start() {
  # /usr/bin/radicale runs Debian's python3; the python3 first on PATH may lack the radicale module
  nohup /usr/bin/radicale --config "$DIR/radicale/config" > "$DIR/logs/radicale.log" 2>&1 < /dev/null &
  record_pid radicale $!
  wait_port radicale "$RADICALE_PORT" 20
  http_has radicale "http://$HOST:$RADICALE_PORT/" "/.web"
}

radicale_request() { # user method path [curl args...]
  local u=$1 method=$2 path=$3
  shift 3
  curl -sf -o /dev/null -u "$u:$(password_of "$u")" -X "$method" "$@" "http://$HOST:$RADICALE_PORT/$u/$path"
}

radicale_create_collections() {
  local u
  for u in $USERS; do
    radicale_request "$u" PROPFIND "" -H 'Depth: 0' # creates the principal collection
    radicale_create_calendar "$u" calendar
    radicale_create_addressbook "$u" contacts
  done
  radicale_create_calendar alice shared
  radicale_create_addressbook alice shared-contacts
  radicale_create_calendar bob team
}

radicale_create_calendar() { # user name
  radicale_request "$1" MKCALENDAR "$2/" -H 'Content-Type: application/xml' --data \
    '<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>'"$2"'</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>'
}

radicale_create_addressbook() { # user name
  radicale_request "$1" MKCOL "$2/" -H 'Content-Type: application/xml' --data \
    '<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype><D:displayname>'"$2"'</D:displayname></D:prop></D:set></D:mkcol>'
}
