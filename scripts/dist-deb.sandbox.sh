#!/bin/bash
# dist-deb.sandbox.sh DEB PORT CONTROL_TOKEN SCRATCH
#
# For scripts/dist-deb.test.ts, run as root inside `unshare --mount --fork`: the machine's /usr,
# /etc and /var are overlaid with empty folders under SCRATCH (writes land there, the machine's
# own files are never changed, and everything goes when this mount namespace ends). In it, a real
# `dpkg -i DEB` (its maintainer scripts included), the installed service's command run as the
# unit says (its user, working directory, environment and command line; PORT instead of
# ${KIOSK_PORT}) until the test has paid through it and touches SCRATCH/paid, then `dpkg -r` and
# `dpkg -P`. Prints "fact NAME=VALUE" lines for the test to check, and "started" once the kiosk
# has been started.
set -euo pipefail
deb=$1 port=$2 token=$3 scratch=$4
NAME=hospital-kiosk

fact() { printf 'fact %s=%s\n' "$1" "$2"; }
modes() { stat -c '%a %U %G' "$1" 2>/dev/null || echo missing; }

mount --make-rprivate /
for d in usr etc var; do
  mkdir -p "$scratch/overlay/$d/upper" "$scratch/overlay/$d/work"
  mount -t overlay overlay \
    -o "lowerdir=/$d,upperdir=$scratch/overlay/$d/upper,workdir=$scratch/overlay/$d/work" "/$d"
done

if ! dpkg -i "$deb" >"$scratch/dpkg-install.log" 2>&1; then
  cat "$scratch/dpkg-install.log" >&2
  exit 1
fi
fact status "$(dpkg-query -W -f='${db:Status-Status}' "$NAME")"
fact user "$(getent passwd "$NAME" | cut -d: -f1,6,7)"
for path in "/var/lib/$NAME" "/var/lib/$NAME-keys" "/etc/$NAME" "/etc/$NAME/config.json" \
  "/etc/$NAME/secrets.env"; do
  fact "mode:$path" "$(modes "$path")"
done
if [ -L "/etc/systemd/system/multi-user.target.wants/$NAME.service" ]; then
  fact enabled yes
else
  fact enabled no
fi

# The service as its unit runs it (no systemd here: its settings are read from the unit).
unit="/lib/systemd/system/$NAME.service"
setting() { sed -n "s/^$1=//p" "$unit"; }
user=$(setting User)
exec_start=$(setting ExecStart)
exec_start=${exec_start//'${KIOSK_PORT}'/$port}
environment=()
while IFS= read -r line; do environment+=("$line"); done < <(setting Environment)
cd "$(setting WorkingDirectory)"
# Its own temporary folder, as PrivateTmp= gives it (tsx keeps its compile cache there); in the
# overlaid /var, which the service user can reach (SCRATCH is root's only).
private_tmp=$(mktemp -d /var/tmp/hospital-kiosk-tmp.XXXXXX)
chmod 1777 "$private_tmp"
# shellcheck disable=SC2086 # the unit's command line is plain words
setpriv --reuid="$user" --regid="$user" --init-groups --reset-env \
  env "${environment[@]}" TMPDIR="$private_tmp" KIOSK_CONTROL_TOKEN="$token" $exec_start >"$scratch/kiosk.log" 2>&1 &
kiosk=$!
echo started

# The test pays through it, then touches $scratch/paid (at most 5 minutes).
for _ in $(seq 1 3000); do
  if [ -e "$scratch/paid" ] || ! kill -0 "$kiosk" 2>/dev/null; then break; fi
  sleep 0.1
done
kill -TERM "$kiosk" 2>/dev/null || true
status=0
wait "$kiosk" || status=$?
fact kiosk-exit "$status"
fact "mode:/var/lib/$NAME/payment-journal.sqlite" "$(modes "/var/lib/$NAME/payment-journal.sqlite")"
fact "mode:/var/lib/$NAME-keys/payment-journal.key" "$(modes "/var/lib/$NAME-keys/payment-journal.key")"
fact key-in-data "$(test -e "/var/lib/$NAME/payment-journal.key" && echo yes || echo no)"

dpkg -r "$NAME" >"$scratch/dpkg-remove.log" 2>&1
fact removed:status "$(dpkg-query -W -f='${db:Status-Status}' "$NAME")"
fact removed:program "$(test -e "/usr/lib/$NAME" && echo yes || echo no)"
fact removed:journal "$(test -e "/var/lib/$NAME/payment-journal.sqlite" && echo yes || echo no)"
fact removed:keys "$(test -e "/var/lib/$NAME-keys/payment-journal.key" && echo yes || echo no)"
fact removed:config "$(test -e "/etc/$NAME/config.json" && echo yes || echo no)"
fact removed:secrets "$(test -e "/etc/$NAME/secrets.env" && echo yes || echo no)"

dpkg -P "$NAME" >"$scratch/dpkg-purge.log" 2>&1
fact purged:data "$(test -e "/var/lib/$NAME" && echo yes || echo no)"
fact purged:keys "$(test -e "/var/lib/$NAME-keys" && echo yes || echo no)"
fact purged:etc "$(test -e "/etc/$NAME" && echo yes || echo no)"
