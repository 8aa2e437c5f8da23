# --install: Debian packages for every server, installed only when missing (never upgraded).

PACKAGES="dovecot-imapd dovecot-lmtpd dovecot-submissiond dovecot-managesieved dovecot-sieve opensmtpd
  radicale slapd ldap-utils openssl curl cyrus-caldav sasl2-bin"

install_missing_packages() {
  local p missing=() own_policy=0 status=0
  for p in $PACKAGES; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2> /dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "installing ${missing[*]}"
  # policy-rc.d answering 101 keeps the maintainer scripts from starting the system-wide daemons,
  # which would take ports 143, 25, 389... with the configs under /etc
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
  } || status=$?
  if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$status" = 0 ] || die "apt-get could not install ${missing[*]}"
}

# Servers run by absolute path: PATH may hold other builds (e.g. a pyenv python3 without Debian's modules).
require_binaries() {
  local b
  for b in /usr/sbin/dovecot /usr/bin/doveadm /usr/sbin/smtpd /usr/bin/radicale /usr/sbin/slapd /usr/sbin/slapadd \
    /usr/bin/ldapsearch /usr/lib/cyrus/bin/master /usr/sbin/saslpasswd2 /usr/bin/python3; do
    [ -x "$b" ] || die "missing $b; run: servers.sh start DIR --install"
  done
  for b in openssl curl unshare runuser; do
    command -v "$b" > /dev/null || die "missing $b; run: servers.sh start DIR --install"
  done
}
