#!/bin/bash
# wss:// end to end: an agent with a certificate, a client that trusts it
# with --ca-file; an untrusted certificate and plain ws:// are refused with
# a clear message.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "openssl missing"; exit 77; }
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$T/key.pem" -out "$T/cert.pem" -days 2 2>/dev/null
printf 'tls-token\n' >"$T/token"
start_agent_tcp a --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --token-file "$T/token"
URL=$(sed -n 's/.*listening on \(wss:[^ ]*\).*/\1/p' "$T/a.log")
check_match "agent says wss" '^wss://127.0.0.1:[0-9]+$' "$URL"
export SBX_TOKEN=tls-token

check "exec over wss with the CA" tls-ok "$("$SBX" exec --ca-file "$T/cert.pem" "$URL" echo tls-ok)"
head -c 3000000 /dev/urandom >"$T/rand"
check "3 MB through wss -i cat intact" "$(sha256sum <"$T/rand")" \
	"$("$SBX" exec -i --ca-file "$T/cert.pem" "$URL" cat <"$T/rand" | sha256sum)"
"$SBX" exec --ca-file "$T/cert.pem" "$URL" sh -c 'exit 9'
check "exit status over wss" 9 $?

msg=$("$SBX" exec "$URL" echo no 2>&1); rc=$?
check "untrusted certificate gives 125" 125 $rc
check_match "untrusted certificate explained" "TLS handshake.*--ca-file" "$msg"

echo "not a certificate" >"$T/notpem.pem"
msg=$("$SBX" exec --ca-file "$T/notpem.pem" "$URL" echo no 2>&1); rc=$?
check "a CA file with no certificate in it: 125" 125 $rc
check_match "...said before any handshake" "CA file .*notpem.pem holds no PEM certificate" "$msg"
msg=$("$SBX" exec --ca-file "$T" "$URL" echo no 2>&1); rc=$?
check_match "a directory as the CA file: said" "cannot read CA file .*: Is a directory" "$msg"

msg=$("$SBX" exec "${URL/wss:/ws:}" echo no 2>&1); rc=$?
check "plain ws:// to a wss agent gives 125" 125 $rc
check_match "plain ws:// explained" "wants wss://" "$msg"

# Many targets at once, each trusting its own CA (config ca-file): a
# second agent with another self-signed certificate.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$T/key2.pem" -out "$T/cert2.pem" -days 2 2>/dev/null
URL1=$URL
start_agent_tcp b --tls-cert "$T/cert2.pem" --tls-key "$T/key2.pem" --token-file "$T/token"
URL2=$(sed -n 's/.*listening on \(wss:[^ ]*\).*/\1/p' "$T/b.log")
export XDG_CONFIG_HOME=$T/cfg
mkdir -p "$T/cfg/sbx"
cat >"$T/cfg/sbx/config" <<CONF
[ta]
url = $URL1
ca-file = $T/cert.pem
[tb]
url = $URL2
ca-file = $T/cert2.pem
[crossed]
url = $URL2
ca-file = $T/cert.pem
CONF
out=$("$SBX" exec ta,tb -- echo both 2>"$T/fan.err"); rc=$?
check "fan-out over wss, a CA each: exit 0" 0 $rc
check "fan-out over wss, a CA each: both ran" 2 "$(grep -c '^both$' <<<"$out")"
out=$("$SBX" tail --color=never ta tb -- echo tailed 2>&1); rc=$?
check "tail over wss, a CA each: exit 0" 0 $rc
check "tail over wss, a CA each: a line from each" "ta | tailed
tb | tailed" "$(sort <<<"$out")"
"$SBX" exec ta,crossed -- echo crossed >"$T/cross.out" 2>"$T/cross.err"; rc=$?
check "fan-out: a target whose certificate its CA does not sign fails alone" 1 $rc
check "...the other ran" crossed "$(sed -n '/^==> ta <==/{n;p}' "$T/cross.out")"
check_match "...and the failed one is named, with why" "crossed .*TLS" "$(cat "$T/cross.err")"
printf '[notpem]\nurl = %s\nca-file = %s\n' "$URL1" "$T/notpem.pem" >>"$T/cfg/sbx/config"
"$SBX" exec ta,notpem -- echo x >/dev/null 2>"$T/np.err"; rc=$?
check "fan-out: a target whose CA file is no PEM fails alone" 1 $rc
check_match "...named, with why" "notpem .*holds no PEM certificate" "$(cat "$T/np.err")"
# An untrusted certificate will not mend: tail says so at once rather
# than retrying for its --reconnect window.
t0=$SECONDS
out=$("$SBX" tail --color=never ta crossed -- echo tailed 2>&1); rc=$?
check "tail: a target with an untrusted certificate: exit 1" 1 $rc
check_match "...failed at once, not after the reconnect window" "^[0-9]$" "$((SECONDS - t0))"
check_match "...named, with why" "crossed \| failed: TLS handshake" "$out"
check_match "...the other ran" "ta +\| tailed" "$out"
msg=$("$SBX_AGENT" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" 2>&1); rc=$?
check "--tls-cert without --tls-key refused" 2 $rc
check_match "--tls-cert without --tls-key explained" "go together" "$msg"
echo "not a certificate" >"$T/bad.pem"
msg=$("$SBX_AGENT" --listen 127.0.0.1:0 --tls-cert "$T/bad.pem" --tls-key "$T/key.pem" 2>&1); rc=$?
check "invalid certificate refused at start" 1 $rc
check_match "invalid certificate explained" "cannot load --tls-cert" "$msg"
finish
