# fish completion for sbx(1). Installed in fish/vendor_completions.d.

# The arguments of exec/shell/attach before the cursor, without "sbx" and
# the subcommand; prints the index (1-based) of TARGET among them, or nothing.
# With --all (exec, shell) there is no TARGET: the index printed is the
# word before the first operand, which is CMD.
function __sbx_target_index
    set -l args (commandline -opc)[3..-1]
    set -l i 1
    set -l all 0
    while test $i -le (count $args)
        switch $args[$i]
            case --token-file --ca-file --keepalive --mount --workdir --user --output-limit --env --env-file --timeout --kill-grace \
                    --detach-keys --reconnect --session --record \
                    --stdin-file --stdin-data --rlimit --rows --cols --parallel --color
                set i (math $i + 2)
                continue
            case --all
                set all 1
                set i (math $i + 1)
                continue
            case '-*'
                # -w, -e and -u take the next word, also ending a cluster (-iw, -itu).
                if string match -qr -- '^-[iht]*[weu]$' $args[$i]
                    set i (math $i + 2)
                    continue
                end
                set i (math $i + 1)
                continue
        end
        if test $all -eq 1; and not __sbx_is attach
            echo (math $i - 1)
        else
            echo $i
        end
        return 0
    end
    return 1
end

# True when the subcommand (the word after "sbx") is one of $argv.
function __sbx_is
    set -l args (commandline -opc)
    test (count $args) -ge 2; and contains -- $args[2] $argv
end

# exec or shell with --all and no operand yet: the next word is CMD (or
# the SCRIPT), not a TARGET.
function __sbx_all_seen
    __sbx_is exec shell; or return 1
    contains -- --all (commandline -opc)[3..-1]
end

function __sbx_all_needs_cmd
    __sbx_is exec; or return 1
    __sbx_all_seen; or return 1
    not __sbx_target_index >/dev/null
end

function __sbx_needs_target
    __fish_seen_subcommand_from exec shell; or return 1
    not __sbx_target_index >/dev/null
end

function __sbx_attach_needs_target
    __fish_seen_subcommand_from attach; or return 1
    not __sbx_target_index >/dev/null
end

# True for attach --session N TARGET, which takes no CMD.
function __sbx_attach_session
    __fish_seen_subcommand_from attach; or return 1
    set -l t (__sbx_target_index); or return 1
    set -l args (commandline -opc)[3..-1]
    test $t -gt 1; and string match -qr -- '^--session(=|$)' $args[1..(math $t - 1)]
end

# True when the cursor is at the CMD of exec, or of attach without
# --session (the word after TARGET, or after the "--" that may follow it).
function __sbx_needs_cmd
    __fish_seen_subcommand_from exec attach; or return 1
    __sbx_attach_session; and return 1
    set -l t (__sbx_target_index); or return 1
    set -l args (commandline -opc)[3..-1]
    set -l after (math (count $args) - $t)
    test $after -eq 0; and return 0
    test $after -eq 1; and test "$args[-1]" = --
end

function __sbx_after_cmd
    __fish_seen_subcommand_from exec attach; or return 1
    __sbx_attach_session; and return 1
    __sbx_target_index >/dev/null; or return 1
    not __sbx_needs_cmd
end

# TARGET; with "many" (exec, shell, tail, grep), also the @groups, and
# the next target of a list joined with commas (box1,box2,@web).
function __sbx_targets
    set -l tok (commandline -ct)
    set -l pfx ''
    if test "$argv[1]" = many; and string match -q '*,*' -- $tok
        set pfx (string replace -r '[^,]*$' '' -- $tok)
        set tok (string replace -r '^.*,' '' -- $tok)
    end
    if string match -q 'unix:*' -- $tok
        set -l path (string replace -r '^unix:' '' -- $tok)
        for f in $path*
            if test -d $f
                echo {$pfx}unix:$f/
            else if test -S $f
                echo {$pfx}unix:$f\tsocket
            end
        end
    else
        for n in (sbx --list-targets 2>/dev/null)
            if string match -q '@*' -- $n
                test "$argv[1]" = many; and printf '%s%s\tgroup\n' $pfx $n
            else
                printf '%s%s\tsandbox\n' $pfx $n
            end
        end
        printf '%s\n' {$pfx}unix:\t'agent unix socket' {$pfx}ws://\t'agent over TCP' {$pfx}wss://\t'agent over TLS'
    end
end

# --rlimit NAME=SOFT[:HARD]: the 16 names, then "unlimited".
function __sbx_rlimits
    set -l tok (string replace -r -- '^--rlimit=' '' (commandline -ct))
    if string match -q '*=*' -- $tok
        printf '%s\tnumber, or unlimited\n' (string replace -r -- '[^=:]*$' '' $tok)unlimited
        return
    end
    printf '%s\n' cpu=\t'CPU time (seconds)' fsize=\t'Size of a file written (bytes)' \
        data=\t'Data segment (bytes)' stack=\t'Stack (bytes)' core=\t'Core file (bytes)' \
        rss=\t'Resident set (bytes)' nproc=\t'Processes of the user' \
        nofile=\t'Open file descriptors' memlock=\t'Locked memory (bytes)' \
        as=\t'Address space (bytes)' locks=\t'File locks' sigpending=\t'Queued signals' \
        msgqueue=\t'POSIX message queues (bytes)' nice=\t'Lowest nice value is 20 minus the limit' \
        rtprio=\t'Real-time priority' rttime=\t'Real-time CPU time without blocking (microseconds)'
end

set -l cmds exec shell attach ps kill up ls down tail grep ui help
complete -c sbx -f

# sbx [--help|--version|--list-commands] COMMAND
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a exec -d 'Run CMD on TARGET; its stdout, stderr and exit status are ours'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a shell -d 'Run SCRIPT with /bin/sh -c on TARGET, as exec does'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a attach -d 'Attach this terminal to a new or running session on TARGET'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a ps -d 'List the commands running on TARGET, whoever started them'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a kill -d 'Send a signal (default KILL) to running commands on TARGET'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a up -d 'Start a local sandbox NAME (bubblewrap), its disk at /mnt/data'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'List local sandboxes and the configured remote ones'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a down -d 'Stop local sandboxes; their disks are kept'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a tail -d 'Run CMD on every TARGET at once and merge its output, line by line'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a grep -d 'Search files on every TARGET at once: SANDBOX:PATH[:LINE]:TEXT'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a ui -d 'Panes of live terminals on many sandboxes in one terminal'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -a help -d 'Show the commands, or the options of one'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -s h -l help -d 'Show the commands'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -s V -l version -d 'Show the version'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -l list-commands -d 'List every command and option'
complete -c sbx -n "not __fish_seen_subcommand_from $cmds" -l list-targets -d 'List the names a TARGET may be'

# sbx help COMMAND
complete -c sbx -n '__fish_seen_subcommand_from help; and not __fish_seen_subcommand_from exec shell attach ps kill up ls down tail grep ui' -a 'exec shell attach ps kill up ls down tail grep ui'

# Local sandboxes (sbx up): NAME.state and NAME.d in RUNDIR.
function __sbx_local_names
    set -l dir /tmp/sbx-(id -u)
    if string match -q '/*' -- "$XDG_RUNTIME_DIR"
        set dir $XDG_RUNTIME_DIR/sbx
    else if test (id -u) -eq 0
        set dir /run/sbx
    end
    for f in $dir/*.state $dir/*.d
        string replace -r '\.(state|d)$' '' -- (basename $f)
    end | sort -u
end

# sbx up NAME [OPTIONS], sbx ls [--json], sbx down NAME...|--all
complete -c sbx -n '__fish_seen_subcommand_from up' -l disk -r -a '(__fish_complete_directories)' -d 'DIR: the disk at /mnt/data; KEY=DIR[:ro]: an extra disk'
complete -c sbx -n '__fish_seen_subcommand_from up' -l net -x -a 'none host' -d 'none (default): only loopback; host: the host network'
complete -c sbx -n '__fish_seen_subcommand_from up' -l memory -x -d 'Memory limit (512M, 2G), in a cgroup'
complete -c sbx -n '__fish_seen_subcommand_from up' -l pids -x -d 'At most N processes, in a cgroup'
complete -c sbx -n '__fish_seen_subcommand_from ls' -l json -d 'One JSON object per sandbox on stdout'
complete -c sbx -n '__fish_seen_subcommand_from down' -l all -d 'Stop every local sandbox'
complete -c sbx -n '__fish_seen_subcommand_from up ls down' -s h -l help -d 'Show this help'
complete -c sbx -n '__fish_seen_subcommand_from up down' -a '(__sbx_local_names)'

# sbx ps|kill [OPTIONS] TARGET [EXEC...]
complete -c sbx -n '__fish_seen_subcommand_from ps' -l json -d 'One JSON object per exec on stdout'
complete -c sbx -n '__fish_seen_subcommand_from kill' -s s -l signal -x -a 'KILL TERM INT HUP QUIT USR1 USR2 STOP CONT' -d 'The signal, a name or a number (default KILL)'
complete -c sbx -n '__fish_seen_subcommand_from ps kill' -l token-file -r -F -d 'Bearer token for the agent (else $SBX_TOKEN)'
complete -c sbx -n '__fish_seen_subcommand_from ps kill' -l ca-file -r -F -d 'Trust this PEM CA for wss:// (else the system CA store)'
complete -c sbx -n '__fish_seen_subcommand_from ps kill' -s h -l help -d 'Show this help'
complete -c sbx -n '__fish_seen_subcommand_from ps kill' -a '(__sbx_targets)'

# sbx exec|shell [OPTIONS] TARGET ...: one option table for both.
complete -c sbx -n __sbx_needs_target -s i -l interactive -d 'Send stdin to the command (EOF closes its stdin)'
complete -c sbx -n __sbx_needs_target -s t -l tty -d 'Run in a PTY (stdout and stderr merged); -t alone never reads stdin'
complete -c sbx -n __sbx_needs_target -l rows -x -d "PTY rows, 1-65535 (needs -t; default: our terminal's, else 24)"
complete -c sbx -n __sbx_needs_target -l cols -x -d "PTY columns, 1-65535 (needs -t; default: our terminal's, else 80)"
complete -c sbx -n __sbx_needs_target -l stdin-file -r -F -d "Send FILE as the command's stdin, then EOF"
complete -c sbx -n __sbx_needs_target -l stdin-data -x -d "Send STRING as the command's stdin, then EOF"
complete -c sbx -n __sbx_needs_target -s u -l user -x -a '(__fish_complete_users)' -d 'Run as this user (the agent must run as root to switch)'
complete -c sbx -n __sbx_needs_target -s w -l workdir -x -a '(__fish_complete_directories)' -d 'Run in DIR (missing or not a directory: exit 125)'
complete -c sbx -n __sbx_needs_target -s e -l env -x -a '(set --names --export)' -d "Set K=V in the command's environment; K alone passes ours"
complete -c sbx -n __sbx_needs_target -l env-file -r -F -d 'Read K=V lines from FILE (# comments)'
complete -c sbx -n __sbx_needs_target -l timeout -x -d 'Agent sends TERM at DURATION (500ms, 30s, 5m), then KILL; exit 124'
complete -c sbx -n __sbx_needs_target -l kill-grace -x -d 'Between TERM and KILL on timeout (default 2s)'
complete -c sbx -n __sbx_needs_target -l mount -x -d "Mount the agent's disk KEY[:SUBDIR][:ro] at /mnt/archil/KEY for this command only"
complete -c sbx -n __sbx_needs_target -l rlimit -x -a '(__sbx_rlimits)' -d 'Resource limit NAME=SOFT[:HARD] (nofile=1024, cpu=10:20, core=unlimited)'
complete -c sbx -n __sbx_needs_target -l output-limit -x -d 'Send at most SIZE (128K, 1M) of each stream; say how much was dropped'
complete -c sbx -n __sbx_needs_target -l json -d 'Print one JSON object per event on stdout'
complete -c sbx -n __sbx_needs_target -l time -d 'Print total, queue and execute time on stderr after'
complete -c sbx -n __sbx_needs_target -l token-file -r -F -d 'Bearer token for the agent (else $SBX_TOKEN)'
complete -c sbx -n __sbx_needs_target -l ca-file -r -F -d 'Trust this PEM CA for wss:// (else the system CA store)'
complete -c sbx -n __sbx_needs_target -l keepalive -x -d 'Ping a silent agent after SECS, give up after 3 x SECS (default 20)'
complete -c sbx -n __sbx_needs_target -l detach-keys -x -d 'With -it on a terminal: keys that detach (default ctrl-]; "" for none)'
complete -c sbx -n __sbx_needs_target -l reconnect -x -d 'With -it on a terminal, or on many: retry a lost connection this long (default 30s; 0: never)'
complete -c sbx -n __sbx_needs_target -l all -d 'Every local sandbox (sbx ls); then no TARGET: the first operand is CMD'
complete -c sbx -n __sbx_needs_target -l parallel -x -d 'On many: run on at most N targets at once (default: all)'
complete -c sbx -n __sbx_needs_target -l stream -d 'On many: print prefixed lines as they come, not a block per target'
complete -c sbx -n __sbx_needs_target -l color -x -a 'auto always never' -d 'On many: colour the names (auto: a terminal, NO_COLOR unset)'
complete -c sbx -n __sbx_needs_target -s h -l help -d 'Show this help'
complete -c sbx -n '__sbx_needs_target; and not __sbx_all_seen' -a '(__sbx_targets many)'
complete -c sbx -n __sbx_all_needs_cmd -a '(__fish_complete_command)'

# sbx attach [OPTIONS] TARGET [CMD [ARG...]], or --session N TARGET.
complete -c sbx -n __sbx_attach_needs_target -l session -x -d 'Return to session N (sbx ps lists them) instead of starting one'
complete -c sbx -n __sbx_attach_needs_target -l read-only -d 'Watch only: keys other than the detach keys are not sent'
complete -c sbx -n __sbx_attach_needs_target -l detach-keys -x -d 'Keys that detach (default ctrl-]; ctrl-p,ctrl-q; "" for none)'
complete -c sbx -n __sbx_attach_needs_target -l record -r -F -d 'Write the session to FILE as asciicast v2 (asciinema play FILE)'
complete -c sbx -n __sbx_attach_needs_target -l reconnect -x -d 'Retry a lost connection this long (default 30s; 0: never)'
complete -c sbx -n __sbx_attach_needs_target -s w -l workdir -x -a '(__fish_complete_directories)' -d 'A new session runs in DIR'
complete -c sbx -n __sbx_attach_needs_target -s e -l env -x -a '(set --names --export)' -d "Set K=V in a new session's environment; K alone passes ours"
complete -c sbx -n __sbx_attach_needs_target -l env-file -r -F -d 'Read K=V lines from FILE (# comments)'
complete -c sbx -n __sbx_attach_needs_target -s u -l user -x -a '(__fish_complete_users)' -d 'A new session runs as this user (its login shell by default)'
complete -c sbx -n __sbx_attach_needs_target -l mount -x -d "Mount the agent's disk KEY[:SUBDIR][:ro] at /mnt/archil/KEY in a new session"
complete -c sbx -n __sbx_attach_needs_target -l token-file -r -F -d 'Bearer token for the agent (else $SBX_TOKEN)'
complete -c sbx -n __sbx_attach_needs_target -l ca-file -r -F -d 'Trust this PEM CA for wss:// (else the system CA store)'
complete -c sbx -n __sbx_attach_needs_target -l keepalive -x -d 'Ping a silent agent after SECS, give up after 3 x SECS (default 20)'
complete -c sbx -n __sbx_attach_needs_target -s h -l help -d 'Show this help'
complete -c sbx -n __sbx_attach_needs_target -a '(__sbx_targets)'
complete -c sbx -n __sbx_needs_cmd -a '(__fish_complete_command)'
complete -c sbx -n __sbx_after_cmd -F

# sbx tail [OPTIONS] TARGET... -- CMD [ARG...]: options and targets up to
# the "--", then CMD and its arguments (also for sbx ui --tail).
function __sbx_tail_before_dd
    __sbx_is tail; or return 1
    not contains -- -- (commandline -opc)[3..-1]
end

# The word right after the "--" (CMD), or one after it (its arguments):
# of sbx tail, or of sbx ui --tail.
function __sbx_tail_cmd
    __sbx_is tail ui; or return 1
    set -l args (commandline -opc)[3..-1]
    set -l i (contains -i -- -- $args); or return 1
    test $i -eq (count $args)
end

function __sbx_tail_args
    __sbx_is tail ui; or return 1
    set -l args (commandline -opc)[3..-1]
    set -l i (contains -i -- -- $args); or return 1
    test $i -lt (count $args)
end

complete -c sbx -n __sbx_tail_before_dd -l all -d 'Every local sandbox (sbx ls), with the TARGETs given'
complete -c sbx -n __sbx_tail_before_dd -l color -x -a 'auto always never' -d 'Colour the names (auto: a terminal, NO_COLOR unset)'
complete -c sbx -n __sbx_tail_before_dd -l timestamps -d 'Put the time the agent read each line before it'
complete -c sbx -n __sbx_tail_before_dd -l json -d 'One JSON object per line: sandbox, stream, line, ts'
complete -c sbx -n __sbx_tail_before_dd -l reconnect -x -d 'Retry a lost or refused connection this long (default 30s; 0: never)'
complete -c sbx -n __sbx_tail_before_dd -s w -l workdir -x -a '(__fish_complete_directories)' -d 'Run CMD in DIR'
complete -c sbx -n __sbx_tail_before_dd -s e -l env -x -a '(set --names --export)' -d "Set K=V in CMD's environment; K alone passes ours"
complete -c sbx -n __sbx_tail_before_dd -l env-file -r -F -d 'Read K=V lines from FILE (# comments)'
complete -c sbx -n __sbx_tail_before_dd -s u -l user -x -a '(__fish_complete_users)' -d 'Run CMD as this user'
complete -c sbx -n __sbx_tail_before_dd -l timeout -x -d 'The agents stop CMD at DURATION (TERM, then KILL)'
complete -c sbx -n __sbx_tail_before_dd -l token-file -r -F -d 'Bearer token for the agent (else $SBX_TOKEN)'
complete -c sbx -n __sbx_tail_before_dd -l ca-file -r -F -d 'Trust this PEM CA for wss:// (else the system CA store)'
complete -c sbx -n __sbx_tail_before_dd -l keepalive -x -d 'Ping a silent agent after SECS, give up after 3 x SECS (default 20)'
complete -c sbx -n __sbx_tail_before_dd -s h -l help -d 'Show this help'
complete -c sbx -n __sbx_tail_before_dd -a '(__sbx_targets many)'
complete -c sbx -n __sbx_tail_cmd -a '(__fish_complete_command)'
complete -c sbx -n __sbx_tail_args -F

# sbx ui [OPTIONS] [TARGET...] | --tail TARGET... -- CMD | --resume:
# options and targets up to the "--" (then CMD, as for tail above).
function __sbx_ui_before_dd
    __sbx_is ui; or return 1
    not contains -- -- (commandline -opc)[3..-1]
end

# --session TARGET:N: a sandbox's name and ":"; the number only sbx ps knows.
function __sbx_session_spec
    string match -q '*:*' -- (string replace -r -- '^--session=' '' (commandline -ct)); and return
    for n in (sbx --list-targets 2>/dev/null)
        string match -q '@*' -- $n; or printf '%s:\tsandbox\n' $n
    end
end

complete -c sbx -n __sbx_ui_before_dd -l all -d 'A pane on every local sandbox (sbx ls), with the TARGETs given'
complete -c sbx -n __sbx_ui_before_dd -l tail -d 'Read-only panes running the CMD after -- on each TARGET'
complete -c sbx -n __sbx_ui_before_dd -l session -x -a '(__sbx_session_spec)' -d 'A pane on session N of TARGET (TARGET:N; sbx ps lists them)'
complete -c sbx -n __sbx_ui_before_dd -l resume -d 'The panes and layout of the last detach'
complete -c sbx -n __sbx_ui_before_dd -l prefix -x -d 'The key before the commands of sbx ui (default ctrl-a; config: ui-prefix)'
complete -c sbx -n __sbx_ui_before_dd -l token-file -r -F -d 'Bearer token for the agents (else $SBX_TOKEN)'
complete -c sbx -n __sbx_ui_before_dd -l ca-file -r -F -d 'Trust this PEM CA for wss:// (else the system CA store)'
complete -c sbx -n __sbx_ui_before_dd -s h -l help -d 'Show this help'
complete -c sbx -n __sbx_ui_before_dd -a '(__sbx_targets many)'

# sbx grep [OPTIONS] PATTERN [PATH...] TARGET...: options anywhere; after
# PATTERN (or -e), the TARGETs (the PATHs are the sandboxes').
function __sbx_grep_has_pattern
    __sbx_is grep; or return 1
    set -l args (commandline -opc)[3..-1]
    set -l i 1
    while test $i -le (count $args)
        switch $args[$i]
            case -- --regexp '--regexp=*'
                return 0
            case --max-count --include --root --color --token-file --ca-file
                set i (math $i + 2)
                continue
            case '-*'
                # -e takes the pattern, also ending a cluster (-ie).
                string match -qr -- '^-[iEFwlcn]*e$' $args[$i]; and return 0
                set i (math $i + 1)
                continue
        end
        return 0
    end
    return 1
end

complete -c sbx -n '__sbx_is grep' -s i -l ignore-case -d 'Match without regard to case'
complete -c sbx -n '__sbx_is grep' -s E -l extended-regexp -d 'PATTERN is an extended regular expression'
complete -c sbx -n '__sbx_is grep' -s F -l fixed-strings -d 'PATTERN is a plain string'
complete -c sbx -n '__sbx_is grep' -s w -l word-regexp -d 'Match whole words only'
complete -c sbx -n '__sbx_is grep' -s l -l files-with-matches -d 'Print only the names of files that match'
complete -c sbx -n '__sbx_is grep' -s c -l count -d 'Print how many lines match in each file'
complete -c sbx -n '__sbx_is grep' -s n -l line-number -d "Print each match's line number"
complete -c sbx -n '__sbx_is grep' -l max-count -x -d 'Stop reading a file after N matching lines'
complete -c sbx -n '__sbx_is grep' -l include -x -d 'Search only files whose name matches GLOB; repeatable'
complete -c sbx -n '__sbx_is grep' -s e -l regexp -x -d 'The pattern (for one that starts with -)'
complete -c sbx -n '__sbx_is grep' -l root -x -d 'PATHs are relative to DIR on each target (default /mnt/data)'
complete -c sbx -n '__sbx_is grep' -l all -d 'Every local sandbox (sbx ls), with the TARGETs given'
complete -c sbx -n '__sbx_is grep' -l color -x -a 'auto always never' -d 'Colour the names (auto: a terminal, NO_COLOR unset)'
complete -c sbx -n '__sbx_is grep' -l json -d 'One JSON object per match: sandbox, path, line, text'
complete -c sbx -n '__sbx_is grep' -l token-file -r -F -d 'Bearer token for the agents (else $SBX_TOKEN)'
complete -c sbx -n '__sbx_is grep' -l ca-file -r -F -d 'Trust this PEM CA for wss:// (else the system CA store)'
complete -c sbx -n '__sbx_is grep' -s h -l help -d 'Show this help'
complete -c sbx -n __sbx_grep_has_pattern -a '(__sbx_targets many)'
