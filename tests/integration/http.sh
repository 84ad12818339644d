#!/bin/bash
# POST /v1/exec with curl, over a unix socket and TCP: results, stdin,
# defaults (128 KiB cap with the dropped count), timeouts, every error
# status, the token, keep-alive, and a caller that hangs up.
. "$(dirname "$0")/lib.sh"
start_agent a -v
post() { curl -s --unix-socket "${SOCK#unix:}" -w '\n%{http_code}' http://sbx/v1/exec "$@"; }
body() { printf '%s\n' "$1" | sed '$d'; }
code() { printf '%s\n' "$1" | tail -n1; }
field() { body "$1" | jq -c "$2"; }

r=$(post -d '{"cmd":"sh","args":["-c","echo out; echo err >&2; exit 3"]}')
check "unix socket: 200" 200 "$(code "$r")"
check "stdout, stderr and exit code" '["out\n","err\n",3,null,false]' \
	"$(field "$r" '[.stdout,.stderr,.exit_code,.signal,.timed_out]')"
check "timing: total, queue and execute, all > 0" true \
	"$(field "$r" '.timing | .total_ms > 0 and .queue_ms > 0 and .execute_ms > 0 and .total_ms >= .execute_ms')"
check "pid given" true "$(field "$r" '.pid > 0')"
check "the default timeout is 5 minutes" 1 "$(grep -c 'started sh as pid [0-9]* for HTTP, timeout 300000 ms' "$T/a.log")"

r=$(post -d '{"cmd":"cat","stdin":"through stdin\n"}')
check "stdin as bytes, then EOF" '"through stdin\n"' "$(field "$r" .stdout)"
r=$(post -d '{"cmd":"sh","args":["-c","pwd; echo $GREETING"],"cwd":"/tmp","env":{"GREETING":"hi"}}')
check "cwd and env" '"/tmp\nhi\n"' "$(field "$r" .stdout)"
r=$(post -d '{"cmd":"seq","args":["1","100000"]}')
check "stdout capped at 128 KiB by default" 131072 "$(field "$r" '.stdout | length')"
check "the dropped bytes counted" $(( $(seq 1 100000 | wc -c) - 131072 )) "$(field "$r" .stdout_dropped)"
r=$(post -d '{"cmd":"seq","args":["1","100000"],"output_limit":1000000}')
check "output_limit raises the cap" "$(seq 1 100000 | wc -c) 0" "$(field "$r" '.stdout | length') $(field "$r" .stdout_dropped)"
r=$(post -d '{"cmd":"printf","args":["\\377\\376"]}')
check "bytes that are not UTF-8 come as base64" '["//4=","base64"]' "$(field "$r" '[.stdout,.stdout_encoding]')"
r=$(post -d '{"cmd":"sh","args":["-c","sleep 1004 & sleep 1004"],"timeout_ms":300,"kill_grace_ms":100}')
check "timeout_ms: timed_out, after about 300 ms" '[true,true]' \
	"$(field "$r" '[.timed_out, (.timing.execute_ms >= 300 and .timing.execute_ms < 2000)]')"
check "timeout_ms: the whole tree is gone" "" "$(alive_with 'sleep 1004')"
r=$(post -d '{"cmd":"no-such-command-x"}')
check "a command that never ran: 200, failed not_found" '[200,null,"not_found","exec"]' \
	"[$(code "$r"),$(field "$r" '.exit_code'),$(field "$r" '.failed.kind'),$(field "$r" '.failed.stage')]"
r=$(post -d '{"cmd":"true","cwd":"/no/such/dir"}')
check "a missing cwd: failed bad_cwd naming it" '["bad_cwd","/no/such/dir: No such file or directory"]' \
	"$(field "$r" '[.failed.kind,.failed.message]')"

# Errors: status and a JSON error with a code.
err() { printf '%s %s' "$(code "$1")" "$(field "$1" .error.code)"; }
check "GET: 405" '405 "method_not_allowed"' "$(err "$(post -G)")"
check "405 says Allow: POST" "allow: POST" \
	"$(curl -s -i --unix-socket "${SOCK#unix:}" http://sbx/v1/exec | tr -d '\r' | grep -i '^allow:')"
check "PUT: 405" '405 "method_not_allowed"' "$(err "$(post -X PUT -d '{}')")"
check "bad JSON: 400" '400 "bad_json"' "$(err "$(post -d '{"cmd":')")"
check "not an object: 400" '400 "bad_json"' "$(err "$(post -d '["echo"]')")"
check "missing cmd: 400" '400 "bad_message"' "$(err "$(post -d '{"args":["x"]}')")"
check "cmd not a string: 400" '400 "bad_message"' "$(err "$(post -d '{"cmd":5}')")"
check "an unknown field: 400" '400 "bad_message"' "$(err "$(post -d '{"cmd":"true","colour":1}')")"
check "stdin not a string: 400" '400 "bad_message"' "$(err "$(post -d '{"cmd":"cat","stdin":[1]}')")"
check "no body: 411" '411 "length_required"' "$(err "$(post -X POST)")"
head -c 5000000 /dev/zero | tr '\0' ' ' >"$T/big"
check "a body over 4 MiB: 413" '413 "too_large"' "$(err "$(post --data-binary @"$T/big")")"
check "another path: 404" '404 "not_found"' \
	"$(err "$(curl -s --unix-socket "${SOCK#unix:}" -w '\n%{http_code}' http://sbx/v2/run -d '{}')")"
check "the agent serves on after all that" '"ok\n"' "$(field "$(post -d '{"cmd":"echo","args":["ok"]}')" .stdout)"

# Two requests on one kept-alive connection.
out=$(curl -s --unix-socket "${SOCK#unix:}" http://sbx/v1/exec -d '{"cmd":"echo","args":["one"]}' \
	--next --unix-socket "${SOCK#unix:}" http://sbx/v1/exec -d '{"cmd":"echo","args":["two"]}' |
	jq -r .stdout | tr -d '\n')
check "keep-alive: two requests on one connection" onetwo "$out"

# A caller that hangs up: its command is killed.
curl -s --unix-socket "${SOCK#unix:}" http://sbx/v1/exec -d '{"cmd":"sleep","args":["1003"]}' >/dev/null &
c=$!
for _ in $(seq 100); do [ "$(ps -o pid= --ppid "$APID" | wc -l)" = 1 ] && break; sleep 0.05; done
check "the command of a waiting caller runs" 1 "$(ps -o pid= --ppid "$APID" | wc -l)"
kill $c; wait $c 2>/dev/null
for _ in $(seq 30); do [ -z "$(ps -o pid= --ppid "$APID")" ] && break; sleep 0.1; done
check "a caller that hangs up: its command is killed" "" "$(ps -o pid= --ppid "$APID")"

# TCP, a token, and a long command under a short keepalive.
echo "s3cret-token" >"$T/token"
start_agent_tcp t --token-file "$T/token" --keepalive 1
r=$(curl -s -w '\n%{http_code}' "${URL/ws:/http:}/v1/exec" -d '{"cmd":"true"}')
check "TCP without the token: 401" '401 "unauthorized"' "$(err "$r")"
r=$(curl -s -w '\n%{http_code}' -H 'Authorization: Bearer wrong' "${URL/ws:/http:}/v1/exec" -d '{"cmd":"true"}')
check "TCP with a wrong token: 401" '401 "unauthorized"' "$(err "$r")"
r=$(curl -s -w '\n%{http_code}' -H 'Authorization: Bearer s3cret-token' "${URL/ws:/http:}/v1/exec" \
	-d '{"cmd":"sh","args":["-c","sleep 4; echo waited"]}')
check "TCP with the token; a 4 s command outlives a 1 s keepalive" '200 "waited\n"' \
	"$(code "$r") $(field "$r" .stdout)"
check "no child left behind" "" "$(ps -o pid= --ppid "$APID")"
finish
