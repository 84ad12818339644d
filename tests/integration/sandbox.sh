#!/bin/bash
# sbx up, ls and down (issue 5): local sandboxes in bubblewrap. Isolation
# (PIDs, filesystem, mounts, capabilities, hostname, /tmp, network),
# /mnt/data as the default cwd and a disk that outlives the sandbox; no
# process survives `sbx down` or a SIGKILL of the agent; limits in a
# cgroup; the errors. RUNDIR and DATADIR are private to this run.
. "$(dirname "$0")/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
command -v bwrap >/dev/null || skip "bwrap not installed (apt-get install bubblewrap)"
[ "$(id -u)" -eq 0 ] || skip "needs root: sandboxes are made by bwrap as root here"
if ! why=$(bwrap --ro-bind / / --dev /dev --proc /proc --unshare-pid --unshare-net --unshare-ipc \
	--unshare-uts --as-pid-1 true 2>&1); then
	skip "bwrap cannot make namespaces here: $why"
fi

export XDG_RUNTIME_DIR=$T/run XDG_DATA_HOME=$T/data
mkdir -p "$XDG_RUNTIME_DIR"
RUN=$XDG_RUNTIME_DIR/sbx
DISKS=$XDG_DATA_HOME/sbx/disks
M=sbxtest$$ # a marker for our processes' command lines
trap '"$SBX" down --all >/dev/null 2>&1; cleanup' EXIT

t() { echo "unix:$RUN/$1.sock"; }
in_a() { "$SBX" exec "$(t a)" sh -c "$1" 2>&1; }
state() { sed -n "s/^$2=//p" "$RUN/$1.state"; }
# wait_none MARK: up to 3 s for no process with MARK in its command line
wait_none() {
	for _ in $(seq 60); do
		[ -z "$(alive_with "$1")" ] && return 0
		sleep 0.05
	done
	return 1
}

# --- up, and what it leaves in RUNDIR -----------------------------------

out=$("$SBX" up a 2>&1); rc=$?
check "up: exit 0" 0 $rc
check "up: one line naming socket and disk" "a: running (unix:$RUN/a.sock, disk $DISKS/a)" "$out"
out=$("$SBX" up a 2>&1); rc=$?
check "up of a running sandbox: exit 0" 0 $rc
check_match "and says it is already running" '^a: already running \(' "$out"
check "the socket is a symlink into a.d" "a.d/agent.sock" "$(readlink "$RUN/a.sock")"
check "the agent's socket is mode 0600" 600 "$(stat -c %a "$RUN/a.d/agent.sock")"
check "a.d is mode 0700" 700 "$(stat -c %a "$RUN/a.d")"
check_match "the state file has the agent's pid" '^[0-9]+$' "$(state a pid)"

# --- inside -------------------------------------------------------------

check "exec's default cwd is /mnt/data" /mnt/data "$(in_a pwd)"
check "the hostname is the sandbox's name" a "$(in_a hostname)"
check "the agent is pid 1" /run/sbx-agent "$(in_a 'tr "\0" "\n" </proc/1/cmdline | head -n1')"
pids=$(in_a 'ls /proc' | grep -E '^[0-9]+$' | sort -n | tr '\n' ' ')
check_match "ls /proc shows only the sandbox's few pids" '^1 ([0-9]{1,2} ){1,6}$' "$pids"
check "host pids are invisible (our shell's)" "" "$(in_a "test -e /proc/$$ && echo visible")"
check "no capabilities in commands" "0000000000000000 0000000000000000" \
	"$(in_a 'awk "/^CapEff|^CapBnd/ { printf \"%s \", \$2 }" /proc/self/status' | sed 's/ $//')"
for d in /etc /usr /root /var /run /mnt /dev /sys /; do
	out=$(in_a "touch $d/$M 2>/dev/null && echo wrote")
	check "writing in $d fails" "" "$out"
done
check "writing in /mnt/data works" ok "$(in_a "echo hi >/mnt/data/$M && echo ok")"
check "writing in /tmp works" ok "$(in_a "echo hi >/tmp/$M && echo ok")"
check "and /tmp is private: not the host's" "" "$(ls /tmp/$M 2>/dev/null)"
out=$(in_a "mount -o remount,rw / && touch /etc/$M; mount -o remount,bind,rw / && touch /etc/$M; echo done")
check_match "mount -o remount,rw / fails" 'permission denied|Operation not permitted' "$out"
check "the host's /etc is untouched" no "$(test -e /etc/$M && echo yes || echo no)"
out=$(in_a 'unshare -m true; echo rc=$?')
check_match "unshare -m fails" 'rc=[1-9]' "$out"
check "--net none (default): only lo" lo "$(in_a "awk -F: 'NR > 2 { gsub(/ /, \"\", \$1); print \$1 }' /proc/net/dev")"
check "the environment is not ours" "" "$(SBX_TEST_SECRET=$M in_a 'env' | grep "$M")"
check "other sandboxes' sockets are hidden" "" "$(in_a "ls $RUN 2>/dev/null")"
out=$(in_a "rm -f /run/sbx/agent.sock 2>&1; ln -sf /tmp/x /run/sbx/agent.sock 2>&1; ls /run/sbx")
check_match "a command cannot remove or replace its agent's socket" 'Read-only file system.*agent.sock$' "$(echo $out)"
check "and the socket still serves" ok "$(in_a 'echo ok')"

"$SBX" up b >/dev/null
in_a "echo from-a >/tmp/shared-$M" >/dev/null
check "two sandboxes do not share /tmp" no \
	"$("$SBX" exec "$(t b)" sh -c "test -e /tmp/shared-$M && echo yes || echo no")"
"$SBX" up h --net host >/dev/null
check_match "--net host: the host's interfaces" '^lo .+' \
	"$("$SBX" exec "$(t h)" awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')"

# --- ls -----------------------------------------------------------------

"$SBX" exec "$(t a)" sleep 30 >/dev/null 2>&1 &
bg=$!
for _ in $(seq 100); do "$SBX" ls | grep -Eq '^a .* 1 ' && break; sleep 0.05; done
table=$("$SBX" ls)
check_match "ls: a header" '^NAME +KIND +STATE +UPTIME +EXECS +DISK/URL$' "$(printf '%s\n' "$table" | head -n1)"
check_match "ls: a running, one exec, its disk" "^a +local +running +[0-9]+s +1 +$DISKS/a\$" "$table"
json=$("$SBX" ls --json)
check "ls --json: one object per sandbox" 3 "$(printf '%s\n' "$json" | jq -s length)"
check "ls --json: a's fields" '"running 1 none /mnt/data"' \
	"$(printf '%s\n' "$json" | jq 'select(.name == "a") | "\(.state) \(.execs) \(.net) /mnt/data"')"
kill $bg 2>/dev/null
wait $bg 2>/dev/null

# --- SIGKILL of the agent, down, the disk --------------------------------

# sh -c 'sleep N; : MARK' keeps MARK in a command line while sleep runs
in_a "sh -c 'sleep 300; : 40$M' & setsid sh -c 'sleep 300; : 41$M' & nohup sh -c 'sleep 300; : 42$M' >/dev/null 2>&1 & echo" >/dev/null
for _ in $(seq 50); do [ "$(alive_with "4[0-2]$M" | wc -l)" -ge 3 ] && break; sleep 0.05; done
check "three processes started in a (one setsid, one nohup)" 3 "$(alive_with "4[0-2]$M" | wc -l)"
kill -KILL "$(state a pid)"
wait_none "4[0-2]$M"
check "SIGKILL of the agent: none of them survives" "" "$(alive_with "4[0-2]$M")"
check_match "ls shows a as dead" '^a +local +dead ' "$("$SBX" ls)"
out=$("$SBX" exec a true 2>&1); rc=$?
check_match "exec by name to a dead sandbox: 125, says it is dead" "^125 sbx: sandbox a is dead: .*'sbx up a'" "$rc $out"
out=$("$SBX" up a 2>&1); rc=$?
check "up of a dead sandbox starts it again" "0 a: running (unix:$RUN/a.sock, disk $DISKS/a)" "$rc $out"
check "the disk kept its contents" hi "$(in_a "cat /mnt/data/$M")"

in_a "sh -c 'sleep 300; : 50$M' & setsid sh -c 'sleep 300; : 51$M' & echo" >/dev/null
for _ in $(seq 50); do [ "$(alive_with "5[01]$M" | wc -l)" -ge 2 ] && break; sleep 0.05; done
check "two processes started in a" 2 "$(alive_with "5[01]$M" | wc -l)"
ns=$(state a pidns)
out=$("$SBX" down a); rc=$?
check "down: exit 0" 0 $rc
check "down: says so, disk kept" "a: stopped (disk kept: $DISKS/a)" "$out"
check "down: no process of the sandbox left" "" "$(alive_with "5[01]$M")"
left=0
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "pid:[$ns]" ] && left=$((left + 1))
done
check "down: nothing left in its PID namespace" 0 $left
check "down: socket, directory, state and log removed" "" "$(ls "$RUN" | grep '^a\.')"
check "down: the disk is kept" hi "$(cat "$DISKS/a/$M")"
"$SBX" up a >/dev/null
check "disk contents persist across down and up" hi "$(in_a "cat /mnt/data/$M")"

# --- extra disks ------------------------------------------------------------

mkdir -p "$T/extra" && echo extra >"$T/extra/f"
"$SBX" up x --disk "$T/xdata" --disk "k=$T/extra:ro" --disk "w=$T/extra-w" >/dev/null
check "--disk DIR is /mnt/data (created)" ok "$("$SBX" exec "$(t x)" sh -c 'touch /mnt/data/f && echo ok'; test -e "$T/xdata/f" || echo missing)"
check "exec --mount KEY: the extra disk at /mnt/archil/KEY" extra "$("$SBX" exec --mount k:ro "$(t x)" cat /mnt/archil/k/f)"
check_match "KEY=DIR:ro is read-only" 'Read-only file system' "$("$SBX" exec --mount k:ro "$(t x)" touch /mnt/archil/k/g 2>&1)"
check "KEY=DIR (created) is writable" ok "$("$SBX" exec --mount w "$(t x)" sh -c 'touch /mnt/archil/w/g && echo ok')"
check "and the write is on the host's directory" yes "$(test -e "$T/extra-w/g" && echo yes)"
check "ls --json lists the extra disks" '"k:true w:false"' \
	"$("$SBX" ls --json | jq 'select(.name == "x") | [.disks[] | "\(.key):\(.ro)"] | join(" ")')"

# --- limits -------------------------------------------------------------------

out=$("$SBX" up l --pids 20 --memory 64M 2>&1); rc=$?
check_match "up --pids --memory: exit 0" '^0 l: running' "$rc $out"
if printf '%s' "$out" | grep -q warning; then
	echo "note: limits not applied here: $out"
else
	pid=$(state l pid)
	mem=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup")
	mpath=/sys/fs/cgroup/memory$mem/memory.limit_in_bytes
	[ -e "$mpath" ] || mpath=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")/memory.max
	check "--memory 64M: the agent's cgroup has the limit" 67108864 "$(cat "$mpath")"
	out=$("$SBX" exec "$(t l)" sh -c "i=0; while [ \$i -lt 40 ]; do sh -c 'sleep 300; : 60$M' & i=\$((i + 1)); done; echo started" 2>&1)
	check_match "--pids 20: a loop of 40 sleeps cannot fork them all" 'fork' "$out"
	n=$(alive_with "60$M" | wc -l)
	check_match "and fewer than 20 run" '^1?[0-9]$' "$n"
	cg=$(state l cgroup | head -n1)
	"$SBX" down l >/dev/null
	check "down removes the cgroups" no "$(test -e "$cg" && echo yes || echo no)"
	check "and the limited processes are gone" "" "$(alive_with "60$M")"
fi

# --- errors ---------------------------------------------------------------------

for bad in .a -- 'a/b' "$(printf 'x%.0s' $(seq 64))"; do
	out=$("$SBX" up "$bad" 2>&1); rc=$?
	check "up of bad name [$bad]: exit 125" 125 $rc
done
check_match "a bad name is explained" 'cannot name a sandbox' "$("$SBX" up .a 2>&1)"
out=$("$SBX" down nope 2>&1); rc=$?
check "down of an unknown name: exit 125" 125 $rc
check_match "lists the known ones" 'no local sandbox "nope" \(known: a, b, h, x' "$out"
out=$("$SBX" up n --net bridge 2>&1); rc=$?
check "--net bridge: exit 125" 125 $rc
check_match "says what --net takes" 'give none or host' "$out"
out=$("$SBX" up n --memory lots 2>&1); rc=$?
check "--memory lots: exit 125" 125 $rc
check_match "says what --memory takes" '--memory lots: give a size' "$out"
out=$("$SBX" up n --pids 0 2>&1); rc=$?
check "--pids 0: exit 125" 125 $rc
touch "$T/file"
out=$("$SBX" up n --disk "$T/file" 2>&1); rc=$?
check "--disk on a file: exit 125" 125 $rc
check_match "says it is not a directory" 'is not a directory' "$out"
out=$(SBX_AGENT=/bin/false "$SBX" up n 2>&1); rc=$?
check "an agent that fails to start: exit 125" 125 $rc
check_match "one line, naming why" '^sbx: up: n did not start: .+$' "$out"
check "nothing left behind" "" "$(ls "$RUN" | grep '^n\.')"
check "down without NAME: exit 125" 125 "$("$SBX" down >/dev/null 2>&1; echo $?)"

out=$("$SBX" down --all); rc=$?
check "down --all: exit 0" 0 $rc
check "down --all: stops every one" 4 "$(printf '%s\n' "$out" | grep -c ': stopped')"
check "RUNDIR is empty after" "" "$(ls "$RUN")"
check "no process of ours left" "" "$(alive_with "$M")"
finish
