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

msg=$("$SBX" exec "${URL/wss:/ws:}" echo no 2>&1); rc=$?
check "plain ws:// to a wss agent gives 125" 125 $rc
check_match "plain ws:// explained" "wants wss://" "$msg"

msg=$("$SBX_AGENT" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" 2>&1); rc=$?
check "--tls-cert without --tls-key refused" 2 $rc
check_match "--tls-cert without --tls-key explained" "go together" "$msg"
echo "not a certificate" >"$T/bad.pem"
msg=$("$SBX_AGENT" --listen 127.0.0.1:0 --tls-cert "$T/bad.pem" --tls-key "$T/key.pem" 2>&1); rc=$?
check "invalid certificate refused at start" 1 $rc
check_match "invalid certificate explained" "cannot load --tls-cert" "$msg"
finish
