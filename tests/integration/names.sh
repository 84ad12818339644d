#!/bin/bash
# Names as TARGETs: a sandbox from the config file (its url, token-file
# and ca-file, the command's options winning), a local sandbox by its
# socket in the runtime directory, and the errors: unknown names listing
# the known ones, a @group given to a single-target command, a malformed
# or unreadable config file named with its line.
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME=$T/cfg XDG_RUNTIME_DIR=$T/run HOME=$T/home
unset SBX_TOKEN
mkdir -p "$XDG_CONFIG_HOME/sbx" "$XDG_RUNTIME_DIR/sbx" "$HOME"
CONF=$XDG_CONFIG_HOME/sbx/config

start_agent a
A=$SOCK
printf 's3cret\n' >"$HOME/tok.token"
printf 'wrong\n' >"$T/wrong"
start_agent b --token-file "$HOME/tok.token"
B=$SOCK

# A local sandbox: an agent on RUNDIR/NAME.sock, as sbx up starts one.
"$SBX_AGENT" --listen "unix:$XDG_RUNTIME_DIR/sbx/loc.sock" 2>"$T/loc.log" &
AGENT_PIDS="$AGENT_PIDS $!"
wait_listening "$T/loc.log" || exit 1

cat >"$CONF" <<CONF
# names for the test's agents
keepalive = 20
detach-keys = ctrl-p,ctrl-q

[box1]
url = $A
[tok]                  # needs its token
url = $B
token-file = ~/tok.token
[notok]
url = $B
[tls]
url = wss://127.0.0.1:1
ca-file = /nonexistent/ca.pem
[loc]
url = unix:/nonexistent/shadowed.sock
@web = box1 tok
CONF

# By name from the config: ps and kill.
"$SBX" exec "$A" sleep 1001 >/dev/null 2>&1 & sleeper=$!
for _ in $(seq 50); do [ "$("$SBX" ps "$A" | wc -l)" -ge 2 ] && break; sleep 0.1; done
table=$("$SBX" ps box1); rc=$?
check "ps by a configured name: exit 0" 0 $rc
check_match "and lists the agent's command" ' sleep 1001$' "$table"
n=$("$SBX" ps --json box1 | jq 'select(.args == ["1001"]) | .exec')
"$SBX" kill box1 "$n"; rc=$?
check "kill by a configured name: exit 0" 0 $rc
wait $sleeper; rc=$?
check "and the command died of SIGKILL" 137 $rc
msg=$("$SBX" kill box1 424242 2>&1)
check_match "kill's hint names the target as given" "see 'sbx ps box1'" "$msg"

# token-file from the config; the command's --token-file wins over it,
# and it wins over SBX_TOKEN.
check "a name whose config has token-file: its token is sent" 0 \
	"$("$SBX" ps tok >/dev/null; echo $?)"
msg=$("$SBX" ps notok 2>&1); rc=$?
check "the same agent by a name without token-file: exit 125" 125 $rc
check_match "says a token is needed (401)" "requires a token: give --token-file FILE or set SBX_TOKEN" "$msg"
msg=$("$SBX" ps --token-file "$T/wrong" tok 2>&1); rc=$?
check "--token-file wins over the config's" 125 $rc
check_match "the wrong one is refused" "refused the token \(401" "$msg"
check "the config's token-file wins over SBX_TOKEN" 0 \
	"$(SBX_TOKEN=wrong "$SBX" ps tok >/dev/null; echo $?)"
check "SBX_TOKEN still serves a name without token-file" 0 \
	"$(SBX_TOKEN=s3cret "$SBX" ps notok >/dev/null; echo $?)"

# ca-file from the config, and --ca-file over it.
msg=$("$SBX" ps tls 2>&1); rc=$?
check "a name's ca-file is used: exit 125" 125 $rc
check_match "it is the config's" "cannot read CA file /nonexistent/ca.pem" "$msg"
msg=$("$SBX" ps --ca-file "$T/mine.pem" tls 2>&1)
check_match "--ca-file wins over the config's" "cannot read CA file $T/mine.pem" "$msg"

# A local sandbox: its socket, before a configured name.
table=$("$SBX" ps loc); rc=$?
check "a local sandbox by name: exit 0" 0 $rc
check_match "and ps talks to it" '^EXEC +PID' "$table"
ln -s "${A#unix:}" "$XDG_RUNTIME_DIR/sbx/lnk.sock"
check "a local sandbox whose NAME.sock links to its socket, as sbx up makes it" 0 \
	"$("$SBX" ps lnk >/dev/null; echo $?)"
ln -s "$T/gone.sock" "$XDG_RUNTIME_DIR/sbx/dead.sock"
msg=$("$SBX" ps dead 2>&1); rc=$?
check "a dead local sandbox: exit 125" 125 $rc
check_match "says it cannot connect to its socket" "cannot connect to unix:$XDG_RUNTIME_DIR/sbx/dead.sock" "$msg"

# Unknown names list the known ones; groups are refused.
msg=$("$SBX" ps bx1 2>&1); rc=$?
check "an unknown name: exit 125" 125 $rc
check "lists local and configured names" \
	'sbx: unknown sandbox "bx1"; known: dead, lnk, loc (local), box1, tok, notok, tls, loc (config)' "$msg"
msg=$("$SBX" ps @web 2>&1); rc=$?
check "a group to ps: exit 125" 125 $rc
check "says what the group holds" \
	"sbx: @web is a group of 2 sandboxes; give one of: box1 tok" "$msg"
msg=$("$SBX" kill @web 1 2>&1); rc=$?
check "a group to kill: refused as well" "125 sbx: @web is a group of 2 sandboxes; give one of: box1 tok" "$rc $msg"
msg=$("$SBX" ps @nope 2>&1)
check "an unknown group lists the groups" 'sbx: unknown group "@nope"; known: @web' "$msg"
msg=$("$SBX" ps foo:bar 2>&1); rc=$?
check "neither a name nor a URL: exit 125" 125 $rc
check_match "says what a target is" 'cannot read target "foo:bar": give a sandbox name, unix:PATH' "$msg"

# A malformed config: file and line; a URL target does not read it.
cat >"$CONF" <<CONF
keepalive = 20

[box1]
url = $A
uri = $A
CONF
msg=$("$SBX" ps box1 2>&1); rc=$?
check "a malformed config: exit 125" 125 $rc
check "names file, line and problem" \
	"sbx: $CONF:5: unknown key \"uri\" in [box1] (keys: url, token-file, ca-file)" "$msg"
printf '[box1]\nurl = %s\n@web = box1 box9\n' "$A" >"$CONF"
msg=$("$SBX" ps box1 2>&1)
check_match "a group naming an unknown sandbox" "^sbx: $CONF:3: @web names unknown sandbox \"box9\"" "$msg"
printf 'detach-keys = ctrl-1\n' >"$CONF"
msg=$("$SBX" ps box1 2>&1)
check_match "bad detach keys" "^sbx: $CONF:1: detach keys \"ctrl-1\": unknown key" "$msg"
check "a URL target works whatever the config" 0 "$("$SBX" ps "$A" >/dev/null; echo $?)"
check "a local name works whatever the config" 0 "$("$SBX" ps loc >/dev/null; echo $?)"
rm "$CONF"
mkdir "$CONF"
msg=$("$SBX" ps box1 2>&1); rc=$?
check "an unreadable config: exit 125" 125 $rc
check "says so" "sbx: cannot read config file $CONF: Is a directory" "$msg"
rmdir "$CONF"

# No config file at all: no configured names, no error.
msg=$("$SBX" ps box1 2>&1); rc=$?
check "no config file: the name is unknown" 125 $rc
check "and only the local names are known" 'sbx: unknown sandbox "box1"; known: dead, lnk, loc (local)' "$msg"
rm "$XDG_RUNTIME_DIR"/sbx/*.sock
msg=$("$SBX" ps box1 2>&1)
check "nothing known: says where names come from" \
	"sbx: unknown sandbox \"box1\": no local sandbox runs ('sbx up NAME' starts one) and $CONF names none" "$msg"
finish
