#!/bin/bash
# Disks mounted per exec (sbx exec --mount, sbx-agent --disk), a default
# working directory (--workdir), and commands without capabilities
# (--drop-caps), against an agent run as root outside any sandbox.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: per-exec mounts need root (CAP_SYS_ADMIN) for the agent"
	exit 77
fi
# Each exec's mounts live in a mount namespace made private from /: that
# needs / to be a mount point, which it is not in a chroot.
if ! why=$(unshare -m --propagation private true 2>&1); then
	echo "SKIP: no private mount namespace here (a chroot?): $why"
	exit 77
fi
mkdir -p "$T/logs/app/deep" "$T/data" "$T/work" "$T/other"
echo from-logs >"$T/logs/app/line"
ln -s / "$T/logs/escape"
# /mnt/archil is made by the agent; leave the host as we found it.
had_archil=$([ -e /mnt/archil ] && echo yes)
cleanup_archil() { [ -n "$had_archil" ] || rm -rf /mnt/archil; }
trap 'cleanup_archil; cleanup' EXIT
start_agent a --disk logs="$T/logs:ro" --disk data="$T/data" --workdir "$T/work" --drop-caps

check "--workdir is the default cwd" "$T/work" "$("$SBX" exec "$SOCK" pwd)"
check "-w still wins" /tmp "$("$SBX" exec -w /tmp "$SOCK" pwd)"
check "a read-only disk, mounted read-only" from-logs \
	"$("$SBX" exec --mount logs:ro "$SOCK" cat /mnt/archil/logs/app/line)"
check "a subdirectory of it" from-logs "$("$SBX" exec --mount logs:app:ro "$SOCK" cat /mnt/archil/logs/line)"
out=$("$SBX" exec --mount logs:app:ro "$SOCK" sh -c 'echo x > /mnt/archil/logs/new' 2>&1)
check_match "writes to a read-only mount fail with EROFS" "Read-only file system" "$out"
"$SBX" exec --mount data "$SOCK" sh -c 'echo kept > /mnt/archil/data/f'
check "a read-write disk: the write reaches the disk" kept "$(cat "$T/data/f")"
out=$("$SBX" exec --mount data:ro "$SOCK" sh -c 'echo y > /mnt/archil/data/g' 2>&1)
check_match "a read-write disk mounted :ro refuses writes" "Read-only file system" "$out"
check "an exec without --mount sees no disk" "" "$("$SBX" exec "$SOCK" find /mnt/archil -mindepth 2)"

# Two execs at once, each with its own mounts.
"$SBX" exec --mount data "$SOCK" sh -c 'sleep 0.5; ls /mnt/archil/data; ls /mnt/archil/logs' >"$T/one" 2>&1 &
one=$!
"$SBX" exec --mount logs:app:ro "$SOCK" sh -c 'sleep 0.5; ls /mnt/archil/logs; ls /mnt/archil/data' >"$T/two" 2>&1 &
two=$!
wait $one $two
check "concurrent execs: each sees only its own mount (1)" "f" "$(cat "$T/one")"
check "concurrent execs: each sees only its own mount (2)" "deep
line" "$(cat "$T/two")"

# Errors, each before the command starts, naming the problem.
bad() { out=$("$SBX" exec "$@" "$SOCK" touch "$T/ran" 2>&1); echo "$? $out"; }
check_match "unknown disk: 125, names the disks" "^125 sbx: --mount: no disk \"nope\" on this agent; its disks: logs, data$" "$(bad --mount nope)"
check_match "missing subdir: 125" '^125 sbx: --mount: mount data:missing: No such file or directory$' "$(bad --mount data:missing)"
check_match "a file, not a directory: 125" 'not a directory' "$(bad --mount logs:app/line:ro)"
check_match "a symlink out of the disk: 125" 'leads out of the disk' "$(bad --mount logs:escape:ro)"
check_match "a read-only disk without :ro: 125" 'disk logs is read-only: mount it with :ro' "$(bad --mount logs)"
check_match "the same disk twice: 125" 'mounted twice' "$(bad --mount data --mount data:ro)"
check_match "an absolute subdir: refused by sbx" '^125 .*SUBDIR must be relative' "$(bad --mount data:/etc)"
check_match "a .. subdir: refused by sbx" '^125 .*SUBDIR must be relative' "$(bad --mount data:a/../..)"
check "none of them ran" no "$([ -e "$T/ran" ] && echo yes || echo no)"
r=$(curl -s --unix-socket "${SOCK#unix:}" http://sbx/v1/exec -d '{"cmd":"cat","args":["/mnt/archil/logs/line"],"mounts":[{"key":"logs","subdir":"app","ro":true}]}')
check "mounts over HTTP too" '"from-logs\n"' "$(printf '%s' "$r" | jq .stdout)"
r=$(curl -s --unix-socket "${SOCK#unix:}" http://sbx/v1/exec -d '{"cmd":"true","mounts":[{"key":"logs","subdir":"../x","ro":true}]}')
check "a bad subdir over HTTP: failed bad_mount" '"bad_mount"' "$(printf '%s' "$r" | jq .failed.kind)"

# --drop-caps: root without capabilities cannot remount or unshare.
check "no capability left, bounding set empty" "0000000000000000 0000000000000000" \
	"$("$SBX" exec "$SOCK" sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status | cut -f2 | tr "\n" " " | sed "s/ $//"')"
check_match "mount -o remount fails" 'permission denied|Operation not permitted' \
	"$("$SBX" exec "$SOCK" mount -o remount,rw / 2>&1)"
check_match "unshare -m fails" 'Operation not permitted' "$("$SBX" exec "$SOCK" unshare -m true 2>&1)"
check "still uid 0" 0 "$("$SBX" exec "$SOCK" id -u)"

# Without --drop-caps the same agent options work, and bad ones are refused.
msg=$("$SBX_AGENT" --listen unix:"$T"/b.sock --disk nokey 2>&1); rc=$?
check "--disk without KEY=: exit 2" 2 $rc
check_match "says how" 'give KEY=PATH' "$msg"
msg=$("$SBX_AGENT" --listen unix:"$T"/b.sock --disk k="$T"/none 2>&1); rc=$?
check "--disk of a missing path: exit 2" "2" "$rc"
msg=$("$SBX_AGENT" --listen unix:"$T"/b.sock --workdir "$T"/none 2>&1); rc=$?
check_match "--workdir missing: exit 2, named" "^2 .*--workdir .*/none: No such file" "$rc $msg"
finish
