#!/bin/bash
# libsbx installs: meson install into a temporary DESTDIR, then the
# examples compiled against it through pkg-config only, and run against
# a real agent.
. "$(dirname "$0")/lib.sh"

meson install -C "$SBX_BUILD_ROOT" --no-rebuild --tags devel --destdir "$T/dest" \
	>"$T/install.log" 2>&1
rc=$?
check "meson install --destdir" 0 $rc
[ $rc -eq 0 ] || cat "$T/install.log"
pc=$(find "$T/dest" -name sbx.pc | head -n1)
check_match "sbx.pc installed" "/pkgconfig/sbx.pc$" "$pc"
prefix=$(sed -n 's/^prefix=//p' "$pc")
check "sbx.h installed" yes "$([ -f "$T/dest$prefix/include/sbx/sbx.h" ] && echo yes)"
check "proto.h installed beside it" yes "$([ -f "$T/dest$prefix/include/sbx/proto.h" ] && echo yes)"
check "libsbx.a installed" 1 "$(find "$T/dest" -name libsbx.a | wc -l)"
check "sbx.pc: Requires.private" "Requires.private: libwebsockets, jansson" \
	"$(grep '^Requires.private' "$pc")"

flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --define-variable=prefix="$T/dest$prefix" \
	--cflags --libs --static sbx)
check_match "pkg-config --cflags --libs --static sbx" "-I$T/dest.*/include/sbx .*-lsbx" "$flags"
# The library carries the build's sanitizers; a program linking it does too.
san=""
[ "$SBX_SANITIZE" != none ] && san="-fsanitize=$SBX_SANITIZE"
start_agent a
for ex in run poll; do
	# shellcheck disable=SC2086
	$SBX_CC -std=gnu11 -Wall -Wextra -Werror $san "$SBX_SOURCE_ROOT/examples/$ex.c" $flags \
		-o "$T/$ex" 2>"$T/$ex.cc.log"
	rc=$?
	check "examples/$ex.c builds against the installed libsbx" 0 $rc
	[ $rc -eq 0 ] || cat "$T/$ex.cc.log"
	out=$("$T/$ex" "$SOCK" 2>&1); rc=$?
	check "installed examples/$ex runs" 0 $rc
	[ $rc -eq 0 ] || echo "$out"
done
out=$("$T/run" "$SOCK" 2>&1)
check "installed run: stdin echoed" "stdin: stdout [hello through stdin" \
	"$(printf '%s\n' "$out" | grep -m1 '^stdin: stdout' || true)"
check_match "installed run: not_found" "missing: status 127, failed: not_found" "$out"
finish
