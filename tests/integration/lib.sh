# lib.sh: shared by the integration tests. Each test starts its own real
# sbx-agent on a unix socket in a temporary directory (or a free loopback
# port), checks behaviour through the real sbx client, and cleans up.
# Needs SBX, SBX_AGENT (and SBX_PROBE, SBX_MULTI) from the environment.
set -u

T=$(mktemp -d "${TMPDIR:-/tmp}/sbx-test.XXXXXX")
AGENT_PIDS=""
FAILS=0
CHECKS=0

cleanup() {
	for p in $AGENT_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $AGENT_PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

FAILED=""
fail() {
	echo "FAIL: $*"
	CHECKS=$((CHECKS + 1))
	FAILS=$((FAILS + 1))
	FAILED="$FAILED
FAIL: $*"
}

pass() {
	echo "ok: $*"
	CHECKS=$((CHECKS + 1))
}

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: expected [$2], got [$3]"
	fi
}

# check_match NAME PATTERN TEXT (grep -E)
check_match() {
	if printf '%s' "$3" | grep -qE -- "$2"; then
		pass "$1"
	else
		fail "$1: [$3] does not match /$2/"
	fi
}

# start_agent NAME [ARGS...]: agent on unix:$T/NAME.sock; sets SOCK, APID.
start_agent() {
	name=$1
	shift
	SOCK=unix:$T/$name.sock
	"$SBX_AGENT" --listen "$SOCK" "$@" 2>"$T/$name.log" &
	APID=$!
	AGENT_PIDS="$AGENT_PIDS $APID"
	wait_listening "$T/$name.log" || { cat "$T/$name.log"; exit 1; }
}

# start_agent_tcp NAME [ARGS...]: agent on a free loopback port; sets URL, APID.
start_agent_tcp() {
	name=$1
	shift
	"$SBX_AGENT" --listen 127.0.0.1:0 "$@" 2>"$T/$name.log" &
	APID=$!
	AGENT_PIDS="$AGENT_PIDS $APID"
	wait_listening "$T/$name.log" || { cat "$T/$name.log"; exit 1; }
	URL=$(sed -n 's/.*listening on \(ws:[^ ]*\).*/\1/p' "$T/$name.log" | head -n1)
}

wait_listening() {
	for _ in $(seq 100); do
		grep -q "listening on" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "agent did not start"
	return 1
}

# Processes whose command line holds MARK (a unique argument we gave them).
alive_with() {
	pgrep -f -- "$1" | grep -v "^$$\$" || true
}

# wait_gone MARK: until no process has MARK (5 s at most), for a check
# that they are gone: a loaded machine reaps late, and a fixed sleep
# would race it.
wait_gone() {
	for _ in $(seq 100); do
		[ -z "$(alive_with "$1")" ] && return 0
		sleep 0.05
	done
}

# relay_start SOCK: a relay at $T/relay.sock to the agent at unix:SOCK,
# for a connection to cut (relay_stop) and restore (relay_start again).
# It holds none of our fds beyond its own (an input's write end kept
# open would never end).
relay_start() {
	RELAY_TO=${1:-$RELAY_TO}
	socat "UNIX-LISTEN:$T/relay.sock,fork" "UNIX-CONNECT:${RELAY_TO#unix:}" 8>&- 2>/dev/null &
	RELAY=$!
	for _ in $(seq 50); do [ -S "$T/relay.sock" ] && break; sleep 0.05; done
}

# relay_stop: the relay and every connection through it gone.
relay_stop() {
	kill "$RELAY" 2>/dev/null
	pkill -f "UNIX-LISTEN:$T/relay.sock"
	wait "$RELAY" 2>/dev/null
	rm -f "$T/relay.sock"
}

finish() {
	# Again at the end: CI shows only the end of a log.
	[ -n "$FAILED" ] && printf 'the checks that failed:%s\n' "$FAILED"
	echo "$CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
