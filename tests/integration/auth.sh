#!/bin/bash
# Tokens over TCP: missing and wrong ones are refused with 125 and a clear
# message; the right one works. Exposure without a token is refused.
. "$(dirname "$0")/lib.sh"
printf 's3cret-token\n' >"$T/token"
printf 'wrong-token\n' >"$T/wrong"
start_agent_tcp a --token-file "$T/token"

check "right token works" ok "$("$SBX" exec --token-file "$T/token" "$URL" echo ok)"
check "token from SBX_TOKEN" ok "$(SBX_TOKEN=s3cret-token "$SBX" exec "$URL" echo ok)"

msg=$("$SBX" exec "$URL" echo no 2>&1); rc=$?
check "missing token gives 125" 125 $rc
check_match "missing token explained" "requires a token.*--token-file" "$msg"

msg=$("$SBX" exec --token-file "$T/wrong" "$URL" echo no 2>&1); rc=$?
check "wrong token gives 125" 125 $rc
check_match "wrong token explained" "refused the token" "$msg"

msg=$(SBX_TOKEN=s3cret-tokeX "$SBX" exec "$URL" echo no 2>&1); rc=$?
check "near-miss token gives 125" 125 $rc

msg=$("$SBX" exec --token-file "$T/missing" "$URL" echo no 2>&1); rc=$?
check "unreadable token file gives 125" 125 $rc
check_match "unreadable token file named" "missing" "$msg"

# Without a token only loopback and unix sockets are allowed.
msg=$("$SBX_AGENT" --listen 0.0.0.0:0 2>&1); rc=$?
check "non-loopback without token refused" 2 $rc
check_match "refusal says why" "without a token.*--token-file" "$msg"

msg=$("$SBX_AGENT" --listen 192.0.2.1:0 --token-file "$T/token" 2>&1); rc=$?
check "address not on this machine refused" 1 $rc
check_match "address not on this machine explained" "192.0.2.1:0: Cannot assign requested address" "$msg"

printf 'two\nlines\n' >"$T/twolines"
msg=$("$SBX" exec --token-file "$T/twolines" "$URL" echo no 2>&1); rc=$?
check "two-line token file refused" 125 $rc
check_match "two-line token file explained" "one non-empty line" "$msg"

start_agent u
check "unix socket is mode 0600" 600 "$(stat -c %a "${SOCK#unix:}")"
check "unix socket works" ok "$("$SBX" exec "$SOCK" echo ok)"

# A second agent may not take a live socket, nor delete it when it fails,
# nor delete a file that is not a socket.
msg=$("$SBX_AGENT" --listen 127.0.0.1:0 --listen "$SOCK" 2>&1); rc=$?
check "second agent on a live socket refused" 1 $rc
check_match "second agent says why" "another agent is listening there" "$msg"
check "live socket still served after the refusal" ok "$("$SBX" exec "$SOCK" echo ok)"
touch "$T/plainfile"
"$SBX_AGENT" --listen 127.0.0.1:0 --listen unix:"$T/plainfile" 2>/dev/null
check "a file that is not a socket is refused and kept" yes \
	"$([ -f "$T/plainfile" ] && echo yes || echo no)"

msg=$("$SBX_AGENT" --listen nonsense 2>&1); rc=$?
check "bad listen address refused" 2 $rc
check_match "bad listen address named" "nonsense" "$msg"
msg=$("$SBX_AGENT" 2>&1); rc=$?
check "no listen address refused" 2 $rc
finish
