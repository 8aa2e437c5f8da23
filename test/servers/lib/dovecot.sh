# Dovecot 2.3: IMAP (STARTTLS) + IMAPS, LMTP, Submission (STARTTLS) + Submissions, ManageSieve (Pigeonhole).
# Mail is Maildir below DIR/mail/<user>, owned by the system user "mail".

dovecot_configure() {
  local d="$DIR/dovecot" c="$DIR/certs" u
  mkdir -p "$d/run" "$d/state" "$DIR/mail"
  chown mail:mail "$DIR/mail"
  for u in $USERS; do echo "$u@$MAIL_DOMAIN:$(password_of "$u")::::::"; done > "$d/users"
  cat > "$d/dovecot.conf" << CONF
base_dir = $d/run
state_dir = $d/state
# process titles become dovecot-quire-<PORT_BASE>/imap etc.: tells this stack's processes from another's
instance_name = quire-$PORT_BASE
log_path = $DIR/logs/dovecot.log
protocols = imap lmtp submission sieve
listen = $HOST
hostname = mail.$MAIL_DOMAIN
postmaster_address = postmaster@$MAIL_DOMAIN
default_login_user = dovenull
default_internal_user = dovecot

ssl = yes
ssl_cert = <$c/server.pem
ssl_key = <$c/server.key
ssl_min_protocol = TLSv1.2

# test-friendly: no 2 s delay after a wrong password, many connections per user+IP
auth_failure_delay = 0
mail_max_userip_connections = 100
mail_fsync = never

auth_mechanisms = plain login
# "alice" and "alice@$MAIL_DOMAIN" both log in as alice@$MAIL_DOMAIN
auth_default_realm = $MAIL_DOMAIN
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = passwd-file
  args = $d/users
  default_fields = uid=mail gid=mail home=$DIR/mail/%n
}
first_valid_uid = 8
first_valid_gid = 8

# LAYOUT=fs: '/' separator, dots allowed in folder names
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_plugins = acl quota
mail_attribute_dict = file:%h/dovecot-attributes

namespace inbox {
  type = private
  separator = /
  prefix =
  inbox = yes
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}
# folders other users shared with SETACL appear as shared/<user>/<folder>
namespace shared {
  type = shared
  separator = /
  prefix = shared/%%n/
  location = maildir:%%h/Maildir:LAYOUT=fs:INDEXPVT=~/shared-index/%%n
  subscriptions = no
  list = children
}

plugin {
  acl = vfile
  acl_shared_dict = file:$DIR/mail/shared-mailboxes.db
  quota = maildir:User quota
  quota_rule = *:storage=1G
  sieve = file:~/sieve;active=~/.dovecot.sieve
}

protocol imap {
  mail_plugins = \$mail_plugins imap_acl imap_quota imap_zlib
  imap_metadata = yes
}
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}

service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
  inet_listener lmtp {
    port = $LMTP_PORT
  }
}
service submission-login {
  inet_listener submission {
    port = $SUBMISSION_PORT
  }
  inet_listener submissions {
    port = $SUBMISSIONS_PORT
    ssl = yes
  }
}
service managesieve-login {
  inet_listener sieve {
    port = $MANAGESIEVE_PORT
  }
}
# authenticated submission goes to the local OpenSMTPD (which never relays off the machine)
submission_relay_host = $HOST
submission_relay_port = $SMTP_RELAY_PORT
submission_relay_trusted = yes
# Sieve vacation/redirect replies go out the same way (the system sendmail talks to the system MTA)
submission_host = $HOST:$SMTP_RELAY_PORT
CONF
}

dovecot_start() {
  # -F: in the foreground like every other server here, so $! is the master and a Ctrl-C that reaches the
  # caller's process group (an interrupted test run) stops Dovecot too instead of leaving it behind
  nohup /usr/sbin/dovecot -F -c "$DIR/dovecot/dovecot.conf" >> "$DIR/logs/dovecot.log" 2>&1 < /dev/null &
  record_pid dovecot $!
  wait_port dovecot "$IMAP_PORT" 10
  wait_port dovecot "$SUBMISSION_PORT" 10
  wait_port dovecot "$MANAGESIEVE_PORT" 10
  banner_has dovecot "$IMAP_PORT" Dovecot
}

# Creates INBOX and the special-use folders now. Otherwise the first Sieve fileinto "Junk" creates the folder
# during LMTP delivery, which once raced with an IMAP session of the same user (lmtp Panic: fcntl(...
# dovecot.list.index.log, write-lock) ... Resource deadlock avoided; OpenSMTPD retried 10 s later).
dovecot_create_folders() {
  local u mb
  for u in $USERS; do
    # one call per folder: with several names doveadm creates nothing
    for mb in INBOX Drafts Sent Trash Junk Archive; do
      /usr/bin/doveadm -c "$DIR/dovecot/dovecot.conf" mailbox status -u "$u@$MAIL_DOMAIN" messages "$mb" > /dev/null
    done
  done
}
