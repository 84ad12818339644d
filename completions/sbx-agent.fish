# fish completion for sbx-agent(8). Installed in fish/vendor_completions.d.

function __sbx_agent_listen
    set -l tok (commandline -ct)
    # fish puts back "--listen=" or "-l" when the value shares their word.
    set -l val (string replace -r -- '^(--listen=|-l)' '' $tok)
    if string match -q 'unix:*' -- $val
        set -l path (string replace -r '^unix:' '' -- $val)
        for f in $path*
            if test -d $f
                echo "unix:$f/"
            else if test -S $f
                echo "unix:$f"\tsocket
            end
        end
    else
        printf '%s\n' unix:\t'unix socket (mode 0600)' 127.0.0.1:\t'IPv4 loopback' '[::1]:'\t'IPv6 loopback' localhost:\tloopback 0.0.0.0:\t'every interface (needs --token-file)'
    end
end

complete -c sbx-agent -f
complete -c sbx-agent -s l -l listen -x -a '(__sbx_agent_listen)' -d 'Listen on unix:PATH, HOST:PORT or [V6]:PORT (repeatable)'
complete -c sbx-agent -s t -l token-file -r -F -d 'Require "Authorization: Bearer TOKEN" with the token in FILE'
complete -c sbx-agent -l tls-cert -r -F -d 'Serve TCP listeners as wss:// with this PEM certificate'
complete -c sbx-agent -l tls-key -r -F -d 'PEM private key of the --tls-cert certificate'
complete -c sbx-agent -l keepalive -x -d 'Ping a client silent for SECS, drop it after 3 x SECS (default 20)'
complete -c sbx-agent -s w -l workdir -x -a '(__fish_complete_directories)' -d 'The working directory of an exec that names none'
complete -c sbx-agent -l disk -x -d 'A disk execs may mount at /mnt/archil/KEY (KEY=PATH[:ro])'
complete -c sbx-agent -l drop-caps -d 'Run every command with no capabilities, even as root'
complete -c sbx-agent -l seal -x -a '(__fish_complete_directories)' -d "Once listening, remount DIR (the socket's) read-only"
complete -c sbx-agent -s v -l verbose -d 'Log each connection and exec on stderr'
complete -c sbx-agent -s h -l help -d 'Show this help'
complete -c sbx-agent -s V -l version -d 'Show the version'
