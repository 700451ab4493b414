# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sangja_global_optspecs
    string join \n root= runroot= storage-driver= log-level= noout v/version h/help
end

function __fish_sangja_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sangja_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sangja_using_subcommand
    set -l cmd (__fish_sangja_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sangja -n "__fish_sangja_needs_command" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_needs_command" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_needs_command" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_needs_command" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_needs_command" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_needs_command" -s v -l version -d 'Print version'
complete -c sangja -n "__fish_sangja_needs_command" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "run" -d 'Run a command in a new container'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "rm" -d 'Remove one or more containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "create" -d 'Create a container without starting it; prints its id'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "start" -d 'Start containers (in the background; -a in the foreground)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "stop" -d 'Stop containers: the stop signal, then SIGKILL after the timeout'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "kill" -d 'Send a signal to containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "restart" -d 'Restart containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "wait" -d 'Wait for containers to exit; prints their exit codes'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "logs" -d 'Show a container\'s output'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "port" -d 'List a container\'s published ports'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "pause" -d 'Pause (freeze) containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "unpause" -d 'Unpause containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "rename" -d 'Rename a container'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "exec" -d 'Run a command in a running container'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "attach" -d 'Attach to a running container\'s terminal or output (detach with ctrl-p,ctrl-q)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "top" -d 'Show the processes of a running container'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "stats" -d 'Show the resource use of running containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "cp" -d 'Copy files between a container and the host'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "diff" -d 'Show a container\'s changes against its image (A added, C changed, D deleted)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "commit" -d 'Make an image of a container\'s changes'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "export" -d 'Write a container\'s files as a tar archive'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "mount" -d 'Mount a container\'s root filesystem and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "init" -d 'Initialize containers: check they are ready to start (sangja\'s create prepares everything)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "update" -d 'Change a container\'s resource limits (its cgroups while it runs, and its record)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "pull" -d 'Pull an image from a registry'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "push" -d 'Push an image to a registry'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "images" -d 'List images in local storage'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "rmi" -d 'Remove one or more images'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "ps" -d 'List containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "inspect" -d 'Show the configuration and state of containers or images as JSON'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "image" -d 'Manage images (podman\'s `image` group)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "container" -d 'Manage containers (podman\'s `container` group)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "__fuse-mount" -d 'Run a command with layers mounted by the FUSE overlay (internal, tests and benchmarks)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "info" -d 'Show the system\'s configuration: store, registries, host'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "login" -d 'Log in to a registry (stores the credentials in auth.json)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "logout" -d 'Log out of a registry (removes its credentials from auth.json)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "version" -d 'Show version information'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "completion" -d 'Print the shell completion script for bash, zsh or fish'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "__complete" -d 'Names of containers, images, volumes, networks for the completion scripts (internal)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "__generate-docs" -d 'Write completions/ and man/ into a folder (internal, packaging/gen-docs.sh)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "generate" -d 'Generate systemd units from containers'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "__quadlet" -d 'The Quadlet-style generator: .container files to .service units (also run as sangja-user-generator)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "volume" -d 'Manage volumes'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "network" -d 'Manage networks'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "import" -d 'Make an image of a tarball'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "unshare" -d 'Run a command in sangja\'s user namespace'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "system" -d 'System-wide commands'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "tag" -d 'Add names to an image'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "untag" -d 'Remove names from an image (all of them without NAME)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "history" -d 'Show the history of an image'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "search" -d 'Search a registry for images'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "manifest" -d 'Manage manifest lists'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "build" -d 'Build an image from a Containerfile or Dockerfile'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "buildx" -d 'docker buildx\'s name for build (`buildx build`)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "save" -d 'Save images to an archive (docker-archive, oci-archive) or folder (oci-dir, docker-dir)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "load" -d 'Load images from an archive or folder (stdin by default)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "events" -d 'Show events: containers, images, volumes, networks (podman\'s file event log)'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "secret" -d 'Manage secrets'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "healthcheck" -d 'Run a container\'s health check'
complete -c sangja -n "__fish_sangja_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand run" -l name -d 'Name of the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to copy it from here)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l label-file -d 'Read labels from a file: KEY=VALUE lines (# comments and blank lines skipped)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l preserve-fds -d 'Pass down to the process N additional file descriptors (in addition to 0, 1, 2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s h -l hostname -d 'Container host name' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s u -l user -d 'User (name or uid, optionally :group) to run the command as' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l entrypoint -d 'Override the image\'s ENTRYPOINT ("" clears it)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l network -d 'Network: pasta (rootless default when installed), slirp4netns, none, host, container:NAME or ns:PATH; pasta:OPT,... and slirp4netns:OPT,... pass options on' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s p -l publish -d 'Publish a container\'s port to the host: [ip:][hostPort:]containerPort[/tcp|udp] (ranges: 8000-8002:80-82)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l add-host -d 'Add a line to /etc/hosts: NAME:IP' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l dns -d 'Name server for /etc/resolv.conf (replaces the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l dns-search -d 'Search domain for /etc/resolv.conf ("." for none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l dns-option -d 'Option for /etc/resolv.conf (e.g. ndots:2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l mac-address -d 'MAC address of the container\'s interface (pasta, slirp4netns)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l ip -d 'IPv4 address of the container\'s interface (pasta)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l network-alias -d 'Another name the containers of its bridge networks know it by' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s l -l label -d 'Add a label (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l detach-keys -d 'Key sequence that detaches from the container\'s terminal (default ctrl-p,ctrl-q)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l log-opt -d 'Logging driver option: max-size=SIZE caps the log (rotated to ctr.log.1 when full)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l pull -d 'Pull policy when the image is not in the store: missing, always, never' -r -f -a "missing\t''
always\t''
never\t''
newer\t''"
complete -c sangja -n "__fish_sangja_using_subcommand run" -l tls-verify -d 'Require HTTPS for a pull (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l authfile -d 'The auth file for a pull (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -s v -l volume -d 'Bind mount a host path or mount a volume: [SOURCE:]DEST[:ro|rw,z,Z,U,nocopy,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l mount -d 'A mount: type=bind|volume|tmpfs,source=,destination=[,ro][,bind-propagation=][,tmpfs-size=][,tmpfs-mode=]' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l tmpfs -d 'Mount a tmpfs at DEST: DEST[:size=SIZE,mode=MODE,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l read-only-tmpfs -d 'With --read-only, mount tmpfs on /tmp, /var/tmp and /run (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cap-add -d 'Add a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cap-drop -d 'Drop a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l security-opt -d 'seccomp=unconfined|PROFILE.json, no-new-privileges, mask=PATHS, unmask=ALL|PATHS' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l userns -d 'User namespace: host, keep-id[:uid=N,gid=N] (your own ids inside)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l uidmap -d 'A uid mapping CONTAINER_ID:HOST_ID:AMOUNT (rootless, host ids are those of your namespace: 0 is you)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l gidmap -d 'A gid mapping CONTAINER_ID:HOST_ID:AMOUNT (default: as --uidmap)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l device -d 'A host device in the container: HOST[:CONTAINER][:PERMISSIONS]' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s m -l memory -d 'Memory limit (e.g. 32m, 1g)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l memory-swap -d 'Memory plus swap limit; -1: unlimited swap. Default: twice --memory' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l memory-reservation -d 'Memory soft limit' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cpus -d 'Number of CPUs (e.g. 0.5)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s c -l cpu-shares -d 'CPU shares (relative weight, default 1024)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cpuset-cpus -d 'CPUs the container may run on (e.g. 0-1,3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cpuset-mems -d 'Memory nodes the container may use (e.g. 0)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l pids-limit -d 'Maximum number of processes (default 2048 where a pids controller is usable; 0 or -1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cgroups -d 'enabled, disabled, no-conmon or split' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cgroup-parent -d 'Parent cgroup of the container\'s (default /sangja)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l ulimit -d 'A resource limit: NAME=SOFT[:HARD] (nofile, nproc, core, stack...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l restart -d 'Restart policy of a detached container: no, on-failure[:N], always, unless-stopped' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l sdnotify -d 'Who sends READY=1 to $NOTIFY_SOCKET: container (default, as podman: the app, the socket is passed in), conmon (sangja, once the container runs) or ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l stop-timeout -d 'Seconds from the stop signal to SIGKILL when the container is stopped (default 10)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cidfile -d 'Write the container\'s id to this file (refused if it exists)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -l env-file -d 'Read environment variables from a file (KEY=VALUE lines, # comments); -e wins' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -l stop-signal -d 'Signal that stops the container (default: the image\'s STOPSIGNAL, else SIGTERM)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l annotation -d 'Add an annotation to the container (KEY=VALUE), as the OCI spec\'s annotations' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l tz -d 'Time zone of the container: a name under /usr/share/zoneinfo, or local (the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l umask -d 'The umask of the container\'s process (default 0022)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l unsetenv -d 'Unset a default environment variable (the image\'s, containers.conf\'s or sangja\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l env-merge -d 'Set a variable from the image\'s values: --env-merge PATH=${PATH}:/opt/bin' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l expose -d 'Expose a port or a range (8080, 3300-3310/udp) without publishing it; -P publishes it' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l group-add -d 'Add a supplementary group (name or gid); keep-groups keeps the caller\'s groups (rootless)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l shm-size -d 'Size of /dev/shm (e.g. 128m; 0: no limit; default 64m)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l sysctl -d 'Set a namespaced kernel parameter (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l oom-score-adj -d 'Adjust the OOM killer\'s preference for the container (-1000 to 1000)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l personality -d 'Execution domain (personality(2)): LINUX or LINUX32' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l uts -d 'UTS namespace: private (default), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l ipc -d 'IPC namespace: private (default), shareable, none (no /dev/shm), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l pid -d 'PID namespace: private (default) or host' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cgroupns -d 'cgroup namespace: host, private, ns:PATH (default: private where the container has cgroups)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l timeout -d 'Kill the container (SIGKILL) once it has run this many seconds (0: no limit)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l pidfile -d 'Write the container\'s pid to this file when it starts' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -l conmon-pidfile -d 'Write the pid of the container\'s monitor (the sangja process that waits for it) to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand run" -l hostuser -d 'Add a user of the host (name or uid) to the container\'s /etc/passwd' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l passwd-entry -d 'The /etc/passwd entry written for --user when the image has none ($USERNAME, $UID, $GID, $NAME, $HOME)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cpu-period -d 'CFS period of the CPU limit, in microseconds (with --cpu-quota)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cpu-quota -d 'CFS quota: microseconds of CPU time per --cpu-period (-1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cpu-rt-period -d 'Realtime scheduling period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l cpu-rt-runtime -d 'Realtime scheduling runtime per period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l memory-swappiness -d 'The container\'s memory swappiness, 0 to 100 (cgroup v1; -1: the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l blkio-weight -d 'Block I/O weight, 10 to 1000' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l blkio-weight-device -d 'Block I/O weight of one device: DEVICE:WEIGHT' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l device-read-bps -d 'Read rate limit of a device: DEVICE:RATE (e.g. /dev/sda:1mb)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l device-write-bps -d 'Write rate limit of a device: DEVICE:RATE' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l device-read-iops -d 'Read operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l device-write-iops -d 'Write operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l platform -d 'Pull the image for this platform (os/arch[/variant]) from a manifest list' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l arch -d 'Pull the image for this architecture (default the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l os -d 'Pull the image for this operating system (default linux)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l variant -d 'Pull the image for this variant of the architecture (e.g. v7 of arm)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l log-driver -d 'Logging driver: k8s-file (default), json-file (the same), none, passthrough' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR only (stdin with -i); no stream: print the id and wait' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l requires -d 'Containers (names or ids, comma-separated) started before this one' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l image-volume -d 'What the image\'s VOLUMEs get: bind (an anonymous volume, the default), tmpfs, ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l volumes-from -d 'Mount the volumes and bind mounts of another container (CONTAINER[:ro|rw])' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l passwd -d 'Add entries to /etc/passwd and /etc/group for a numeric --user the image lacks (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l secret -d 'Give the container a secret: NAME[,type=mount|env,target=PATH,uid=N,gid=N,mode=0NNN]' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l health-cmd -d 'The health check\'s command: a shell command, or a JSON array (["CMD", ...])' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l health-interval -d 'Time between checks (default 30s; 0 or disable: checks only by `healthcheck run`)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l health-retries -d 'Failures in a row before the container is unhealthy (default 3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l health-start-period -d 'Time after the start during which failures do not count (default 0s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l health-timeout -d 'Longest a check may take (default 30s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l health-on-failure -d 'What to do when the container turns unhealthy: none, kill, restart, stop' -r
complete -c sangja -n "__fish_sangja_using_subcommand run" -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l rm -d 'Remove the container when it exits'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l rmi -d 'Remove the image too once the container has exited, unless another container uses it (implies --rm; run only)'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l env-host -d 'Pass this process\'s whole environment into the container (before --env)'
complete -c sangja -n "__fish_sangja_using_subcommand run" -s P -l publish-all -d 'Publish every port the image EXPOSEs, on random host ports'
complete -c sangja -n "__fish_sangja_using_subcommand run" -s i -l interactive -d 'Keep stdin open'
complete -c sangja -n "__fish_sangja_using_subcommand run" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c sangja -n "__fish_sangja_using_subcommand run" -s d -l detach -d 'Run in the background and print the container\'s id'
complete -c sangja -n "__fish_sangja_using_subcommand run" -s q -l quiet -d 'Suppress pull progress'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l privileged -d 'All capabilities, no seccomp, no masked or read-only /proc and /sys paths'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l replace -d 'Remove a container of the same name first (stopping it if it runs)'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l unsetenv-all -d 'Unset every default environment variable; -e and --env-file still apply'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l no-hosts -d 'Do not write /etc/hosts: the image\'s own stays (conflicts with --add-host)'
complete -c sangja -n "__fish_sangja_using_subcommand run" -l no-healthcheck -d 'Run no health check, not even the image\'s'
complete -c sangja -n "__fish_sangja_using_subcommand rm" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand rm" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand rm" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand rm" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand rm" -l cidfile -d 'Remove the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand rm" -s t -l time -d 'With -f: seconds for the stop signal to work before SIGKILL (default: SIGKILL at once)' -r
complete -c sangja -n "__fish_sangja_using_subcommand rm" -l filter -d 'Remove the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand rm" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand rm" -s f -l force -d 'Remove running containers too (killing them)'
complete -c sangja -n "__fish_sangja_using_subcommand rm" -s a -l all -d 'Remove all containers'
complete -c sangja -n "__fish_sangja_using_subcommand rm" -s v -l volumes -d 'Remove the container\'s anonymous volumes too'
complete -c sangja -n "__fish_sangja_using_subcommand rm" -s i -l ignore -d 'Do not complain about containers that do not exist'
complete -c sangja -n "__fish_sangja_using_subcommand rm" -s l -l latest -d 'Remove the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand rm" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand create" -l name -d 'Name of the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to copy it from here)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l label-file -d 'Read labels from a file: KEY=VALUE lines (# comments and blank lines skipped)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l preserve-fds -d 'Pass down to the process N additional file descriptors (in addition to 0, 1, 2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s h -l hostname -d 'Container host name' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s u -l user -d 'User (name or uid, optionally :group) to run the command as' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l entrypoint -d 'Override the image\'s ENTRYPOINT ("" clears it)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l network -d 'Network: pasta (rootless default when installed), slirp4netns, none, host, container:NAME or ns:PATH; pasta:OPT,... and slirp4netns:OPT,... pass options on' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s p -l publish -d 'Publish a container\'s port to the host: [ip:][hostPort:]containerPort[/tcp|udp] (ranges: 8000-8002:80-82)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l add-host -d 'Add a line to /etc/hosts: NAME:IP' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l dns -d 'Name server for /etc/resolv.conf (replaces the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l dns-search -d 'Search domain for /etc/resolv.conf ("." for none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l dns-option -d 'Option for /etc/resolv.conf (e.g. ndots:2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l mac-address -d 'MAC address of the container\'s interface (pasta, slirp4netns)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l ip -d 'IPv4 address of the container\'s interface (pasta)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l network-alias -d 'Another name the containers of its bridge networks know it by' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s l -l label -d 'Add a label (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l detach-keys -d 'Key sequence that detaches from the container\'s terminal (default ctrl-p,ctrl-q)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l log-opt -d 'Logging driver option: max-size=SIZE caps the log (rotated to ctr.log.1 when full)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l pull -d 'Pull policy when the image is not in the store: missing, always, never' -r -f -a "missing\t''
always\t''
never\t''
newer\t''"
complete -c sangja -n "__fish_sangja_using_subcommand create" -l tls-verify -d 'Require HTTPS for a pull (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l authfile -d 'The auth file for a pull (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -s v -l volume -d 'Bind mount a host path or mount a volume: [SOURCE:]DEST[:ro|rw,z,Z,U,nocopy,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l mount -d 'A mount: type=bind|volume|tmpfs,source=,destination=[,ro][,bind-propagation=][,tmpfs-size=][,tmpfs-mode=]' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l tmpfs -d 'Mount a tmpfs at DEST: DEST[:size=SIZE,mode=MODE,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l read-only-tmpfs -d 'With --read-only, mount tmpfs on /tmp, /var/tmp and /run (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cap-add -d 'Add a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cap-drop -d 'Drop a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l security-opt -d 'seccomp=unconfined|PROFILE.json, no-new-privileges, mask=PATHS, unmask=ALL|PATHS' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l userns -d 'User namespace: host, keep-id[:uid=N,gid=N] (your own ids inside)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l uidmap -d 'A uid mapping CONTAINER_ID:HOST_ID:AMOUNT (rootless, host ids are those of your namespace: 0 is you)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l gidmap -d 'A gid mapping CONTAINER_ID:HOST_ID:AMOUNT (default: as --uidmap)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l device -d 'A host device in the container: HOST[:CONTAINER][:PERMISSIONS]' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s m -l memory -d 'Memory limit (e.g. 32m, 1g)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l memory-swap -d 'Memory plus swap limit; -1: unlimited swap. Default: twice --memory' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l memory-reservation -d 'Memory soft limit' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cpus -d 'Number of CPUs (e.g. 0.5)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s c -l cpu-shares -d 'CPU shares (relative weight, default 1024)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cpuset-cpus -d 'CPUs the container may run on (e.g. 0-1,3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cpuset-mems -d 'Memory nodes the container may use (e.g. 0)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l pids-limit -d 'Maximum number of processes (default 2048 where a pids controller is usable; 0 or -1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cgroups -d 'enabled, disabled, no-conmon or split' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cgroup-parent -d 'Parent cgroup of the container\'s (default /sangja)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l ulimit -d 'A resource limit: NAME=SOFT[:HARD] (nofile, nproc, core, stack...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l restart -d 'Restart policy of a detached container: no, on-failure[:N], always, unless-stopped' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l sdnotify -d 'Who sends READY=1 to $NOTIFY_SOCKET: container (default, as podman: the app, the socket is passed in), conmon (sangja, once the container runs) or ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l stop-timeout -d 'Seconds from the stop signal to SIGKILL when the container is stopped (default 10)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cidfile -d 'Write the container\'s id to this file (refused if it exists)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -l env-file -d 'Read environment variables from a file (KEY=VALUE lines, # comments); -e wins' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -l stop-signal -d 'Signal that stops the container (default: the image\'s STOPSIGNAL, else SIGTERM)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l annotation -d 'Add an annotation to the container (KEY=VALUE), as the OCI spec\'s annotations' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l tz -d 'Time zone of the container: a name under /usr/share/zoneinfo, or local (the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l umask -d 'The umask of the container\'s process (default 0022)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l unsetenv -d 'Unset a default environment variable (the image\'s, containers.conf\'s or sangja\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l env-merge -d 'Set a variable from the image\'s values: --env-merge PATH=${PATH}:/opt/bin' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l expose -d 'Expose a port or a range (8080, 3300-3310/udp) without publishing it; -P publishes it' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l group-add -d 'Add a supplementary group (name or gid); keep-groups keeps the caller\'s groups (rootless)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l shm-size -d 'Size of /dev/shm (e.g. 128m; 0: no limit; default 64m)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l sysctl -d 'Set a namespaced kernel parameter (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l oom-score-adj -d 'Adjust the OOM killer\'s preference for the container (-1000 to 1000)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l personality -d 'Execution domain (personality(2)): LINUX or LINUX32' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l uts -d 'UTS namespace: private (default), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l ipc -d 'IPC namespace: private (default), shareable, none (no /dev/shm), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l pid -d 'PID namespace: private (default) or host' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cgroupns -d 'cgroup namespace: host, private, ns:PATH (default: private where the container has cgroups)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l timeout -d 'Kill the container (SIGKILL) once it has run this many seconds (0: no limit)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l pidfile -d 'Write the container\'s pid to this file when it starts' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -l conmon-pidfile -d 'Write the pid of the container\'s monitor (the sangja process that waits for it) to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand create" -l hostuser -d 'Add a user of the host (name or uid) to the container\'s /etc/passwd' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l passwd-entry -d 'The /etc/passwd entry written for --user when the image has none ($USERNAME, $UID, $GID, $NAME, $HOME)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cpu-period -d 'CFS period of the CPU limit, in microseconds (with --cpu-quota)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cpu-quota -d 'CFS quota: microseconds of CPU time per --cpu-period (-1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cpu-rt-period -d 'Realtime scheduling period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l cpu-rt-runtime -d 'Realtime scheduling runtime per period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l memory-swappiness -d 'The container\'s memory swappiness, 0 to 100 (cgroup v1; -1: the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l blkio-weight -d 'Block I/O weight, 10 to 1000' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l blkio-weight-device -d 'Block I/O weight of one device: DEVICE:WEIGHT' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l device-read-bps -d 'Read rate limit of a device: DEVICE:RATE (e.g. /dev/sda:1mb)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l device-write-bps -d 'Write rate limit of a device: DEVICE:RATE' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l device-read-iops -d 'Read operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l device-write-iops -d 'Write operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l platform -d 'Pull the image for this platform (os/arch[/variant]) from a manifest list' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l arch -d 'Pull the image for this architecture (default the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l os -d 'Pull the image for this operating system (default linux)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l variant -d 'Pull the image for this variant of the architecture (e.g. v7 of arm)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l log-driver -d 'Logging driver: k8s-file (default), json-file (the same), none, passthrough' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR only (stdin with -i); no stream: print the id and wait' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l requires -d 'Containers (names or ids, comma-separated) started before this one' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l image-volume -d 'What the image\'s VOLUMEs get: bind (an anonymous volume, the default), tmpfs, ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l volumes-from -d 'Mount the volumes and bind mounts of another container (CONTAINER[:ro|rw])' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l passwd -d 'Add entries to /etc/passwd and /etc/group for a numeric --user the image lacks (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l secret -d 'Give the container a secret: NAME[,type=mount|env,target=PATH,uid=N,gid=N,mode=0NNN]' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l health-cmd -d 'The health check\'s command: a shell command, or a JSON array (["CMD", ...])' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l health-interval -d 'Time between checks (default 30s; 0 or disable: checks only by `healthcheck run`)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l health-retries -d 'Failures in a row before the container is unhealthy (default 3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l health-start-period -d 'Time after the start during which failures do not count (default 0s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l health-timeout -d 'Longest a check may take (default 30s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l health-on-failure -d 'What to do when the container turns unhealthy: none, kill, restart, stop' -r
complete -c sangja -n "__fish_sangja_using_subcommand create" -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l rm -d 'Remove the container when it exits'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l rmi -d 'Remove the image too once the container has exited, unless another container uses it (implies --rm; run only)'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l env-host -d 'Pass this process\'s whole environment into the container (before --env)'
complete -c sangja -n "__fish_sangja_using_subcommand create" -s P -l publish-all -d 'Publish every port the image EXPOSEs, on random host ports'
complete -c sangja -n "__fish_sangja_using_subcommand create" -s i -l interactive -d 'Keep stdin open'
complete -c sangja -n "__fish_sangja_using_subcommand create" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c sangja -n "__fish_sangja_using_subcommand create" -s d -l detach -d 'Run in the background and print the container\'s id'
complete -c sangja -n "__fish_sangja_using_subcommand create" -s q -l quiet -d 'Suppress pull progress'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l privileged -d 'All capabilities, no seccomp, no masked or read-only /proc and /sys paths'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l replace -d 'Remove a container of the same name first (stopping it if it runs)'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l unsetenv-all -d 'Unset every default environment variable; -e and --env-file still apply'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l no-hosts -d 'Do not write /etc/hosts: the image\'s own stays (conflicts with --add-host)'
complete -c sangja -n "__fish_sangja_using_subcommand create" -l no-healthcheck -d 'Run no health check, not even the image\'s'
complete -c sangja -n "__fish_sangja_using_subcommand start" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand start" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand start" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand start" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand start" -l detach-keys -d 'Key sequence that detaches with -a (default ctrl-p,ctrl-q)' -r
complete -c sangja -n "__fish_sangja_using_subcommand start" -l sig-proxy -d 'With -a, pass the signals sangja gets on to the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand start" -s f -l filter -d 'Start the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand start" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand start" -s a -l attach -d 'Attach: run in the foreground with the container\'s output on ours, exit with its code'
complete -c sangja -n "__fish_sangja_using_subcommand start" -s i -l interactive -d 'Keep stdin open (with -a: ours is the container\'s)'
complete -c sangja -n "__fish_sangja_using_subcommand start" -l all -d 'Start all containers that are not running'
complete -c sangja -n "__fish_sangja_using_subcommand start" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand start" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand stop" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand stop" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand stop" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand stop" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand stop" -s t -l time -d 'Seconds to wait for the stop signal to work before SIGKILL (default: the container\'s --stop-timeout, else 10)' -r
complete -c sangja -n "__fish_sangja_using_subcommand stop" -l cidfile -d 'Stop the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand stop" -s f -l filter -d 'Stop the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand stop" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand stop" -s a -l all -d 'Stop all running containers'
complete -c sangja -n "__fish_sangja_using_subcommand stop" -s i -l ignore -d 'Do not complain about containers that do not exist'
complete -c sangja -n "__fish_sangja_using_subcommand stop" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand stop" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand kill" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand kill" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand kill" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand kill" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand kill" -s s -l signal -d 'Signal to send: a name (TERM, SIGHUP...) or a number' -r
complete -c sangja -n "__fish_sangja_using_subcommand kill" -l cidfile -d 'Signal the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand kill" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand kill" -s a -l all -d 'Signal all running containers'
complete -c sangja -n "__fish_sangja_using_subcommand kill" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand kill" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand restart" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand restart" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand restart" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand restart" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand restart" -s t -l time -d 'Seconds to wait for the stop signal to work before SIGKILL' -r
complete -c sangja -n "__fish_sangja_using_subcommand restart" -l cidfile -d 'Restart the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand restart" -s f -l filter -d 'Restart the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand restart" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand restart" -s a -l all -d 'Restart all containers'
complete -c sangja -n "__fish_sangja_using_subcommand restart" -l running -d 'Restart only the running ones (with --all)'
complete -c sangja -n "__fish_sangja_using_subcommand restart" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand restart" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand wait" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand wait" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand wait" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand wait" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand wait" -s i -l interval -d 'Ignored (podman\'s polling interval); sangja waits on a pidfd' -r
complete -c sangja -n "__fish_sangja_using_subcommand wait" -l condition -d 'Wait until the container reaches one of these states (default: stopped, i.e. exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand wait" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand wait" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand wait" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l tail -d 'Only the last N lines (-1: all)' -r
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l since -d 'Only lines since this time: RFC 3339, Unix seconds, or a duration before now (10m)' -r
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l until -d 'Only lines before this time (same forms as --since)' -r
complete -c sangja -n "__fish_sangja_using_subcommand logs" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand logs" -s f -l follow -d 'Follow the output until the container exits'
complete -c sangja -n "__fish_sangja_using_subcommand logs" -s t -l timestamps -d 'Show the time of each line'
complete -c sangja -n "__fish_sangja_using_subcommand logs" -s n -l names -d 'Prefix lines with container names instead of ids (several containers)'
complete -c sangja -n "__fish_sangja_using_subcommand logs" -s l -l latest -d 'The latest container'
complete -c sangja -n "__fish_sangja_using_subcommand logs" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand port" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand port" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand port" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand port" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand port" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand port" -s a -l all -d 'List the ports of every running container'
complete -c sangja -n "__fish_sangja_using_subcommand port" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand pause" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand pause" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand pause" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand pause" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand pause" -l cidfile -d 'The container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand pause" -s f -l filter -d 'The containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand pause" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand pause" -s a -l all -d 'All containers (running ones for pause, paused ones for unpause)'
complete -c sangja -n "__fish_sangja_using_subcommand pause" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand pause" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -l cidfile -d 'The container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -s f -l filter -d 'The containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -s a -l all -d 'All containers (running ones for pause, paused ones for unpause)'
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand unpause" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand rename" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand rename" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand rename" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand rename" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand rename" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand rename" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand exec" -s u -l user -d 'User (name or uid, optionally :group) to run the command as' -r
complete -c sangja -n "__fish_sangja_using_subcommand exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l preserve-fds -d 'Pass down to the process N additional file descriptors (in addition to 0, 1, 2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand exec" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to copy it from here)' -r
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l env-file -d 'Read environment variables from a file (KEY=VALUE lines)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l detach-keys -d 'Key sequence that detaches from the command\'s terminal' -r
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand exec" -s i -l interactive -d 'Keep stdin open and pass it to the command'
complete -c sangja -n "__fish_sangja_using_subcommand exec" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c sangja -n "__fish_sangja_using_subcommand exec" -s d -l detach -d 'Run the command in the background'
complete -c sangja -n "__fish_sangja_using_subcommand exec" -l privileged -d 'Give the command every capability'
complete -c sangja -n "__fish_sangja_using_subcommand exec" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l detach-keys -d 'Key sequence that detaches (default ctrl-p,ctrl-q, or containers.conf\'s detach_keys)' -r
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l sig-proxy -d 'Pass the signals sangja gets on to the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand attach" -l no-stdin -d 'Do not pass our stdin to the container'
complete -c sangja -n "__fish_sangja_using_subcommand attach" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand top" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand top" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand top" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand top" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand top" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand top" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l format -d 'Output: table, json, or a Go template ({{.Name}} {{.CPUPerc}} {{.MemUsage}}...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand stats" -s i -l interval -d 'Seconds between readings when streaming' -r
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand stats" -s a -l all -d 'Show all containers (those not running with empty readings)'
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l no-stream -d 'Print one reading and exit'
complete -c sangja -n "__fish_sangja_using_subcommand stats" -l no-trunc -d 'Do not truncate ids'
complete -c sangja -n "__fish_sangja_using_subcommand stats" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand cp" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand cp" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand cp" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand cp" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand cp" -s a -l archive -d 'Keep the owners of files copied in (archive mode, the default); false: owned by the container\'s root' -r
complete -c sangja -n "__fish_sangja_using_subcommand cp" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand cp" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand diff" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand diff" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand diff" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand diff" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand diff" -l format -d 'Output format: json, or the default "KIND PATH" lines' -r
complete -c sangja -n "__fish_sangja_using_subcommand diff" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand diff" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand commit" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand commit" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand commit" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand commit" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand commit" -s a -l author -d 'Author of the image' -r
complete -c sangja -n "__fish_sangja_using_subcommand commit" -s m -l message -d 'Commit message (history comment)' -r
complete -c sangja -n "__fish_sangja_using_subcommand commit" -s c -l change -d 'Apply a Containerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR' -r
complete -c sangja -n "__fish_sangja_using_subcommand commit" -s p -l pause -d 'Pause the container while committing (accepted; the layer is read as is)' -r
complete -c sangja -n "__fish_sangja_using_subcommand commit" -s f -l format -d 'Image format: oci (docker is accepted and written as OCI)' -r
complete -c sangja -n "__fish_sangja_using_subcommand commit" -l iidfile -d 'Write the new image\'s id to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand commit" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand commit" -s q -l quiet -d 'Print only the image id'
complete -c sangja -n "__fish_sangja_using_subcommand commit" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand export" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand export" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand export" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand export" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand export" -s o -l output -d 'Write to this file instead of stdout' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand export" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand export" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand mount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand mount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand mount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand mount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand mount" -l format -d 'Output format of the listing: json' -r
complete -c sangja -n "__fish_sangja_using_subcommand mount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand mount" -l no-trunc -d 'Do not truncate ids in the listing'
complete -c sangja -n "__fish_sangja_using_subcommand mount" -s a -l all -d 'Mount every container'
complete -c sangja -n "__fish_sangja_using_subcommand mount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -s a -l all -d 'Unmount every container'
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -s f -l force -d 'Accepted for podman compatibility'
complete -c sangja -n "__fish_sangja_using_subcommand unmount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand init" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand init" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand init" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand init" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand init" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand init" -s a -l all -d 'Initialize every container that is not running'
complete -c sangja -n "__fish_sangja_using_subcommand init" -s l -l latest -d 'The newest container'
complete -c sangja -n "__fish_sangja_using_subcommand init" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand update" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand update" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand update" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand update" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l cpus -d 'Number of CPUs (0.5, 2...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l cpuset-cpus -d 'CPUs the container may run on (0-3, 0,1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l cpuset-mems -d 'Memory nodes the container may use' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -s m -l memory -d 'Memory limit (512m, 1g)' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l memory-reservation -d 'Memory soft limit' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l memory-swap -d 'Memory plus swap limit (-1: unlimited swap)' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l pids-limit -d 'Largest number of processes (-1 or 0: no limit)' -r
complete -c sangja -n "__fish_sangja_using_subcommand update" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand update" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l platform -d 'Platform of the image to choose from a manifest list (os/arch[/variant])' -r
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l arch -d 'Architecture to choose (shorthand for --platform linux/ARCH)' -r
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l authfile -d 'The auth file with the registry\'s credentials (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l creds -d 'Credentials (USERNAME:PASSWORD) for the registry named in IMAGE; mirrors never get them' -r
complete -c sangja -n "__fish_sangja_using_subcommand pull" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand pull" -s q -l quiet -d 'Print nothing but the image id'
complete -c sangja -n "__fish_sangja_using_subcommand pull" -s a -l all-tags -d 'Pull every tag of the repository IMAGE names (IMAGE without a tag)'
complete -c sangja -n "__fish_sangja_using_subcommand pull" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand push" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand push" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand push" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand push" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l creds -d 'Credentials (USERNAME:PASSWORD) for the destination registry' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l authfile -d 'The auth file with the registry\'s credentials (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand push" -s f -l format -d 'Manifest format: oci or v2s2 (default: the image\'s own)' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l compression-format -d 'Compression of the layers sent: gzip or zstd (default: reuse what the registry has, else gzip)' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l digestfile -d 'Write the digest of the pushed manifest to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand push" -l sign-by -d 'Sign the image with this GPG key (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l sign-by-sigstore-private-key -d 'Sign with a sigstore private key (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l sign-by-sigstore -d 'Sign with a sigstore parameter file (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand push" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand push" -s q -l quiet -d 'Print no progress'
complete -c sangja -n "__fish_sangja_using_subcommand push" -l remove-signatures -d 'Do not copy signatures (sangja copies none: accepted for compatibility)'
complete -c sangja -n "__fish_sangja_using_subcommand push" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand images" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand images" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand images" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand images" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand images" -l format -d 'Output format: table, json, or a Go template such as \'{{.ID}} {{.Repository}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand images" -s f -l filter -d 'Only the images that pass: reference=, id=, digest=, label=[!=], dangling=, before=, since=, after=, until=, containers=, manifest=, readonly= (same key: any passes; different keys: all must)' -r
complete -c sangja -n "__fish_sangja_using_subcommand images" -l sort -d 'Order of the list: created (newest first), id, repository, size or tag' -r -f -a "created\t''
id\t''
repository\t''
size\t''
tag\t''"
complete -c sangja -n "__fish_sangja_using_subcommand images" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand images" -s q -l quiet -d 'Show only image ids'
complete -c sangja -n "__fish_sangja_using_subcommand images" -s a -l all -d 'Show all images (accepted for compatibility: sangja keeps no intermediate images yet)'
complete -c sangja -n "__fish_sangja_using_subcommand images" -l no-trunc -d 'Do not truncate ids'
complete -c sangja -n "__fish_sangja_using_subcommand images" -l digests -d 'Show each image\'s manifest digest (a DIGEST column)'
complete -c sangja -n "__fish_sangja_using_subcommand images" -s n -l noheading -d 'Do not print the title line'
complete -c sangja -n "__fish_sangja_using_subcommand images" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -s f -l force -d 'Remove the image even if containers use it (removing those containers)'
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -s a -l all -d 'Remove all images'
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -s i -l ignore -d 'Do not complain about images that do not exist'
complete -c sangja -n "__fish_sangja_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l format -d 'Output format: table, json, or a Go template such as \'{{.ID}} {{.Names}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand ps" -s f -l filter -d 'Filter: name=, status=, id=, ancestor=, label=KEY[=VALUE], exited=CODE (repeatable)' -r
complete -c sangja -n "__fish_sangja_using_subcommand ps" -s n -l last -d 'Show the N most recently created containers (all states)' -r
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l sort -d 'Sort by command, created (newest first, the default), id, image, names, runningfor, size or status' -r
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -s a -l all -d 'Show all containers, not only running ones'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -s q -l quiet -d 'Show only ids'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l no-trunc -d 'Do not truncate ids'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -s l -l latest -d 'Show the latest container only'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -s s -l size -d 'Show the size of each container\'s writable layer'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -l noheading -d 'Do not print the title line'
complete -c sangja -n "__fish_sangja_using_subcommand ps" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -s t -l type -d 'Only look for this kind of object' -r -f -a "container\t''
image\t''
all\t''"
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -s f -l format -d 'A Go template applied to each object, e.g. \'{{.State.Status}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -s s -l size -d 'Containers: add SizeRw and SizeRootFs (the writable layer, and it with the image)'
complete -c sangja -n "__fish_sangja_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "pull" -d 'Pull an image from a registry'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "push" -d 'Push an image to a registry'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "ls" -d 'List images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "rm" -d 'Remove images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "inspect" -d 'Inspect images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "import" -d 'Make an image of a tarball'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "tag" -d 'Add names to an image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "untag" -d 'Remove names from an image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "history" -d 'Show the history of an image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "exists" -d 'Exit 0 if the image is in local storage, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "tree" -d 'Show an image\'s layers and the images that share them'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "mount" -d 'Mount an image\'s root filesystem read-only and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "unmount" -d 'Unmount an image\'s root filesystem'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "search" -d 'Search a registry for images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "build" -d 'Build an image from a Containerfile or Dockerfile'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "save" -d 'Save images to an archive or folder'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "load" -d 'Load images from an archive or folder'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "prune" -d 'Remove dangling images (-a: every image no container uses)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and not __fish_seen_subcommand_from pull push ls rm inspect import tag untag history exists tree mount unmount search build save load prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l platform -d 'Platform of the image to choose from a manifest list (os/arch[/variant])' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l arch -d 'Architecture to choose (shorthand for --platform linux/ARCH)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l authfile -d 'The auth file with the registry\'s credentials (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l creds -d 'Credentials (USERNAME:PASSWORD) for the registry named in IMAGE; mirrors never get them' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Print nothing but the image id'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -s a -l all-tags -d 'Pull every tag of the repository IMAGE names (IMAGE without a tag)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l creds -d 'Credentials (USERNAME:PASSWORD) for the destination registry' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l authfile -d 'The auth file with the registry\'s credentials (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -s f -l format -d 'Manifest format: oci or v2s2 (default: the image\'s own)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l compression-format -d 'Compression of the layers sent: gzip or zstd (default: reuse what the registry has, else gzip)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l digestfile -d 'Write the digest of the pushed manifest to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l sign-by -d 'Sign the image with this GPG key (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l sign-by-sigstore-private-key -d 'Sign with a sigstore private key (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l sign-by-sigstore -d 'Sign with a sigstore parameter file (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Print no progress'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -l remove-signatures -d 'Do not copy signatures (sangja copies none: accepted for compatibility)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l format -d 'Output format: table, json, or a Go template such as \'{{.ID}} {{.Repository}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Only the images that pass: reference=, id=, digest=, label=[!=], dangling=, before=, since=, after=, until=, containers=, manifest=, readonly= (same key: any passes; different keys: all must)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l sort -d 'Order of the list: created (newest first), id, repository, size or tag' -r -f -a "created\t''
id\t''
repository\t''
size\t''
tag\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Show only image ids'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all images (accepted for compatibility: sangja keeps no intermediate images yet)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate ids'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -l digests -d 'Show each image\'s manifest digest (a DIGEST column)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -s n -l noheading -d 'Do not print the title line'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove the image even if containers use it (removing those containers)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove all images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'Do not complain about images that do not exist'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -s t -l type -d 'Only look for this kind of object' -r -f -a "container\t''
image\t''
all\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -s f -l format -d 'A Go template applied to each object, e.g. \'{{.State.Status}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -s s -l size -d 'Containers: add SizeRw and SizeRootFs (the writable layer, and it with the image)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -s c -l change -d 'Apply a Containerfile instruction (CMD, ENTRYPOINT, ENV...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -s m -l message -d 'Commit message (history comment)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only the image id'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tag" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tag" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tag" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tag" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tag" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from untag" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from untag" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from untag" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from untag" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from untag" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from untag" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -s H -l human -d 'Show sizes and times for people (`-H=false`: times as RFC 3339)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -l format -d 'json, or a Go template over ID, Created, CreatedAt, CreatedSince, CreatedBy, Size, Comment, Tags' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -l no-trunc -d 'Do not truncate ids and CREATED BY'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print the ids only'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from exists" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from exists" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from exists" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from exists" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from exists" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tree" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tree" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tree" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tree" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tree" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tree" -l whatrequires -d 'Show the images built on this one instead of its own layers'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from tree" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -l format -d 'json: the mounted images as a JSON list' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -s a -l all -d 'Mount every image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from mount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -s a -l all -d 'Unmount every mounted image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -s f -l force -d 'Accepted for podman compatibility'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from unmount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l authfile -d 'The auth file with the registry\'s credentials' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l creds -d 'Credentials (USERNAME:PASSWORD) for the registry' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -s f -l filter -d 'Filter: stars=N, is-official=BOOL, is-automated=BOOL' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l format -d 'json, or a Go template such as \'{{.Name}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l limit -d 'At most this many results per registry (default 25)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l compatible -d 'Also show the STARS, OFFICIAL and AUTOMATED columns (Docker\'s table)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l list-tags -d 'List the tags of the repository TERM names'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -l no-trunc -d 'Do not truncate descriptions'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name (and tag) for the image; may be given several times' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -s f -l file -d 'The Containerfile (`-` reads it from stdin; default: Containerfile, then Dockerfile, in the context)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l build-arg -d 'A build argument: KEY=VALUE, or KEY to take it from this environment' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l build-arg-file -d 'A file of build arguments, KEY=VALUE a line (# comments)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l target -d 'Build up to this stage (FROM ... AS NAME)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l layers -d 'Use and keep the layer cache (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l pull -d 'When to pull FROM images: always, missing, never, newer (bare --pull: always)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l platform -d 'The platform to build for: this machine\'s only (linux/amd64 on x86-64)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l label -d 'A label for the image (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l annotation -d 'An annotation for the image\'s manifest (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l format -d 'The image format: oci or docker' -r -f -a "oci\t''
docker\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l network -d 'The network of RUN steps: default, none, host, pasta, slirp4netns' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -s v -l volume -d 'A volume or bind mount for RUN steps: [SOURCE:]DEST[:OPTIONS]' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l secret -d 'A secret for RUN --mount=type=secret: id=ID,src=PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image\'s id to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l timestamp -d 'Set the image\'s created time (seconds since the epoch)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l rm -d 'Remove the steps\' containers (always done; accepted for podman\'s scripts)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l force-rm -d 'Remove the steps\' containers even after a failure (always done)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l ignorefile -d 'The ignore file (default .containerignore, then .dockerignore, in the context)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l tls-verify -d 'Require HTTPS for pulls (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l ssh -d 'SSH agent forwarding to RUN --mount=type=ssh (not supported yet)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l cache-from -d 'Cache sources in a registry (not supported yet: the local cache is used)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l cache-to -d 'Cache destinations in a registry (not supported yet: the local cache is kept)' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use the cache (the steps still fill it)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l squash -d 'Squash the layers this build makes into one (the base image\'s stay as they are)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -l squash-all -d 'Squash all the image\'s layers into one'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image\'s id'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -s o -l output -d 'Write to this file (a folder for oci-dir and docker-dir); default: stdout, which must not be a terminal' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l format -d 'Format: docker-archive (default), oci-archive, oci-dir, docker-dir' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -s m -l multi-image-archive -d 'Save several images into one docker-archive (the names after the first are images, not more tags)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l uncompressed -d 'Keep the layers uncompressed in the OCI formats'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -l compress -d 'Compress the layers with gzip (docker-dir)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -s q -l quiet -d 'Print no progress'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -s i -l input -d 'Read this archive (or oci-dir/docker-dir folder) instead of stdin' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Print no progress'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -l filter -d 'Only images with (label=) or without (label!=) a label, or created before until=TIME' -r
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove every image no container uses, not only dangling ones'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Pull an image from a registry'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "push" -d 'Push an image to a registry'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Inspect images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "import" -d 'Make an image of a tarball'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "tag" -d 'Add names to an image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "untag" -d 'Remove names from an image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "history" -d 'Show the history of an image'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 if the image is in local storage, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "tree" -d 'Show an image\'s layers and the images that share them'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "mount" -d 'Mount an image\'s root filesystem read-only and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "unmount" -d 'Unmount an image\'s root filesystem'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "search" -d 'Search a registry for images'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image from a Containerfile or Dockerfile'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "save" -d 'Save images to an archive or folder'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "load" -d 'Load images from an archive or folder'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove dangling images (-a: every image no container uses)'
complete -c sangja -n "__fish_sangja_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "run" -d 'Run a command in a new container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "rm" -d 'Remove one or more containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "create" -d 'Create a container without starting it; prints its id'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "start" -d 'Start containers (in the background; -a in the foreground)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "stop" -d 'Stop containers: the stop signal, then SIGKILL after the timeout'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "kill" -d 'Send a signal to containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "restart" -d 'Restart containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "wait" -d 'Wait for containers to exit; prints their exit codes'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "logs" -d 'Show a container\'s output'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "port" -d 'List a container\'s published ports'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "pause" -d 'Pause (freeze) containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "unpause" -d 'Unpause containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "rename" -d 'Rename a container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "exec" -d 'Run a command in a running container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "attach" -d 'Attach to a running container\'s terminal or output (detach with ctrl-p,ctrl-q)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "top" -d 'Show the processes of a running container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "stats" -d 'Show the resource use of running containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "cp" -d 'Copy files between a container and the host'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "diff" -d 'Show a container\'s changes against its image (A added, C changed, D deleted)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "commit" -d 'Make an image of a container\'s changes'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "export" -d 'Write a container\'s files as a tar archive'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "mount" -d 'Mount a container\'s root filesystem and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "init" -d 'Initialize containers: check they are ready to start (sangja\'s create prepares everything)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "update" -d 'Change a container\'s resource limits (its cgroups while it runs, and its record)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "ls" -d 'List containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "inspect" -d 'Inspect containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "prune" -d 'Remove all containers that are not running'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "exists" -d 'Exit 0 if the container exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand container; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update ls inspect prune exists help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l name -d 'Name of the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to copy it from here)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l label-file -d 'Read labels from a file: KEY=VALUE lines (# comments and blank lines skipped)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l preserve-fds -d 'Pass down to the process N additional file descriptors (in addition to 0, 1, 2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s h -l hostname -d 'Container host name' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s u -l user -d 'User (name or uid, optionally :group) to run the command as' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l entrypoint -d 'Override the image\'s ENTRYPOINT ("" clears it)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l network -d 'Network: pasta (rootless default when installed), slirp4netns, none, host, container:NAME or ns:PATH; pasta:OPT,... and slirp4netns:OPT,... pass options on' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s p -l publish -d 'Publish a container\'s port to the host: [ip:][hostPort:]containerPort[/tcp|udp] (ranges: 8000-8002:80-82)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l add-host -d 'Add a line to /etc/hosts: NAME:IP' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l dns -d 'Name server for /etc/resolv.conf (replaces the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-search -d 'Search domain for /etc/resolv.conf ("." for none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-option -d 'Option for /etc/resolv.conf (e.g. ndots:2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l mac-address -d 'MAC address of the container\'s interface (pasta, slirp4netns)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l ip -d 'IPv4 address of the container\'s interface (pasta)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l network-alias -d 'Another name the containers of its bridge networks know it by' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s l -l label -d 'Add a label (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l detach-keys -d 'Key sequence that detaches from the container\'s terminal (default ctrl-p,ctrl-q)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l log-opt -d 'Logging driver option: max-size=SIZE caps the log (rotated to ctr.log.1 when full)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l pull -d 'Pull policy when the image is not in the store: missing, always, never' -r -f -a "missing\t''
always\t''
never\t''
newer\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l tls-verify -d 'Require HTTPS for a pull (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l authfile -d 'The auth file for a pull (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s v -l volume -d 'Bind mount a host path or mount a volume: [SOURCE:]DEST[:ro|rw,z,Z,U,nocopy,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l mount -d 'A mount: type=bind|volume|tmpfs,source=,destination=[,ro][,bind-propagation=][,tmpfs-size=][,tmpfs-mode=]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l tmpfs -d 'Mount a tmpfs at DEST: DEST[:size=SIZE,mode=MODE,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l read-only-tmpfs -d 'With --read-only, mount tmpfs on /tmp, /var/tmp and /run (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-add -d 'Add a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-drop -d 'Drop a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l security-opt -d 'seccomp=unconfined|PROFILE.json, no-new-privileges, mask=PATHS, unmask=ALL|PATHS' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l userns -d 'User namespace: host, keep-id[:uid=N,gid=N] (your own ids inside)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l uidmap -d 'A uid mapping CONTAINER_ID:HOST_ID:AMOUNT (rootless, host ids are those of your namespace: 0 is you)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l gidmap -d 'A gid mapping CONTAINER_ID:HOST_ID:AMOUNT (default: as --uidmap)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l device -d 'A host device in the container: HOST[:CONTAINER][:PERMISSIONS]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s m -l memory -d 'Memory limit (e.g. 32m, 1g)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-swap -d 'Memory plus swap limit; -1: unlimited swap. Default: twice --memory' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-reservation -d 'Memory soft limit' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cpus -d 'Number of CPUs (e.g. 0.5)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s c -l cpu-shares -d 'CPU shares (relative weight, default 1024)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cpuset-cpus -d 'CPUs the container may run on (e.g. 0-1,3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cpuset-mems -d 'Memory nodes the container may use (e.g. 0)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l pids-limit -d 'Maximum number of processes (default 2048 where a pids controller is usable; 0 or -1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroups -d 'enabled, disabled, no-conmon or split' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroup-parent -d 'Parent cgroup of the container\'s (default /sangja)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l ulimit -d 'A resource limit: NAME=SOFT[:HARD] (nofile, nproc, core, stack...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l restart -d 'Restart policy of a detached container: no, on-failure[:N], always, unless-stopped' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l sdnotify -d 'Who sends READY=1 to $NOTIFY_SOCKET: container (default, as podman: the app, the socket is passed in), conmon (sangja, once the container runs) or ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-timeout -d 'Seconds from the stop signal to SIGKILL when the container is stopped (default 10)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cidfile -d 'Write the container\'s id to this file (refused if it exists)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l env-file -d 'Read environment variables from a file (KEY=VALUE lines, # comments); -e wins' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-signal -d 'Signal that stops the container (default: the image\'s STOPSIGNAL, else SIGTERM)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l annotation -d 'Add an annotation to the container (KEY=VALUE), as the OCI spec\'s annotations' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l tz -d 'Time zone of the container: a name under /usr/share/zoneinfo, or local (the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l umask -d 'The umask of the container\'s process (default 0022)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l unsetenv -d 'Unset a default environment variable (the image\'s, containers.conf\'s or sangja\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l env-merge -d 'Set a variable from the image\'s values: --env-merge PATH=${PATH}:/opt/bin' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l expose -d 'Expose a port or a range (8080, 3300-3310/udp) without publishing it; -P publishes it' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l group-add -d 'Add a supplementary group (name or gid); keep-groups keeps the caller\'s groups (rootless)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l shm-size -d 'Size of /dev/shm (e.g. 128m; 0: no limit; default 64m)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l sysctl -d 'Set a namespaced kernel parameter (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l oom-score-adj -d 'Adjust the OOM killer\'s preference for the container (-1000 to 1000)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l personality -d 'Execution domain (personality(2)): LINUX or LINUX32' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l uts -d 'UTS namespace: private (default), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l ipc -d 'IPC namespace: private (default), shareable, none (no /dev/shm), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l pid -d 'PID namespace: private (default) or host' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroupns -d 'cgroup namespace: host, private, ns:PATH (default: private where the container has cgroups)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l timeout -d 'Kill the container (SIGKILL) once it has run this many seconds (0: no limit)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l pidfile -d 'Write the container\'s pid to this file when it starts' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l conmon-pidfile -d 'Write the pid of the container\'s monitor (the sangja process that waits for it) to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l hostuser -d 'Add a user of the host (name or uid) to the container\'s /etc/passwd' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l passwd-entry -d 'The /etc/passwd entry written for --user when the image has none ($USERNAME, $UID, $GID, $NAME, $HOME)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-period -d 'CFS period of the CPU limit, in microseconds (with --cpu-quota)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-quota -d 'CFS quota: microseconds of CPU time per --cpu-period (-1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-rt-period -d 'Realtime scheduling period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-rt-runtime -d 'Realtime scheduling runtime per period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-swappiness -d 'The container\'s memory swappiness, 0 to 100 (cgroup v1; -1: the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l blkio-weight -d 'Block I/O weight, 10 to 1000' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l blkio-weight-device -d 'Block I/O weight of one device: DEVICE:WEIGHT' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l device-read-bps -d 'Read rate limit of a device: DEVICE:RATE (e.g. /dev/sda:1mb)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l device-write-bps -d 'Write rate limit of a device: DEVICE:RATE' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l device-read-iops -d 'Read operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l device-write-iops -d 'Write operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l platform -d 'Pull the image for this platform (os/arch[/variant]) from a manifest list' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l arch -d 'Pull the image for this architecture (default the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l os -d 'Pull the image for this operating system (default linux)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l variant -d 'Pull the image for this variant of the architecture (e.g. v7 of arm)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l log-driver -d 'Logging driver: k8s-file (default), json-file (the same), none, passthrough' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR only (stdin with -i); no stream: print the id and wait' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l requires -d 'Containers (names or ids, comma-separated) started before this one' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l image-volume -d 'What the image\'s VOLUMEs get: bind (an anonymous volume, the default), tmpfs, ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l volumes-from -d 'Mount the volumes and bind mounts of another container (CONTAINER[:ro|rw])' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l passwd -d 'Add entries to /etc/passwd and /etc/group for a numeric --user the image lacks (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l secret -d 'Give the container a secret: NAME[,type=mount|env,target=PATH,uid=N,gid=N,mode=0NNN]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l health-cmd -d 'The health check\'s command: a shell command, or a JSON array (["CMD", ...])' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l health-interval -d 'Time between checks (default 30s; 0 or disable: checks only by `healthcheck run`)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l health-retries -d 'Failures in a row before the container is unhealthy (default 3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l health-start-period -d 'Time after the start during which failures do not count (default 0s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l health-timeout -d 'Longest a check may take (default 30s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l health-on-failure -d 'What to do when the container turns unhealthy: none, kill, restart, stop' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l rm -d 'Remove the container when it exits'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l rmi -d 'Remove the image too once the container has exited, unless another container uses it (implies --rm; run only)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l env-host -d 'Pass this process\'s whole environment into the container (before --env)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s P -l publish-all -d 'Publish every port the image EXPOSEs, on random host ports'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s i -l interactive -d 'Keep stdin open'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run in the background and print the container\'s id'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Suppress pull progress'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l privileged -d 'All capabilities, no seccomp, no masked or read-only /proc and /sys paths'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l replace -d 'Remove a container of the same name first (stopping it if it runs)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l unsetenv-all -d 'Unset every default environment variable; -e and --env-file still apply'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l no-hosts -d 'Do not write /etc/hosts: the image\'s own stays (conflicts with --add-host)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from run" -l no-healthcheck -d 'Run no health check, not even the image\'s'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -l cidfile -d 'Remove the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -s t -l time -d 'With -f: seconds for the stop signal to work before SIGKILL (default: SIGKILL at once)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -l filter -d 'Remove the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove running containers too (killing them)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove all containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove the container\'s anonymous volumes too'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'Do not complain about containers that do not exist'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -s l -l latest -d 'Remove the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l name -d 'Name of the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to copy it from here)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l label-file -d 'Read labels from a file: KEY=VALUE lines (# comments and blank lines skipped)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l preserve-fds -d 'Pass down to the process N additional file descriptors (in addition to 0, 1, 2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s h -l hostname -d 'Container host name' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s u -l user -d 'User (name or uid, optionally :group) to run the command as' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l entrypoint -d 'Override the image\'s ENTRYPOINT ("" clears it)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l network -d 'Network: pasta (rootless default when installed), slirp4netns, none, host, container:NAME or ns:PATH; pasta:OPT,... and slirp4netns:OPT,... pass options on' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s p -l publish -d 'Publish a container\'s port to the host: [ip:][hostPort:]containerPort[/tcp|udp] (ranges: 8000-8002:80-82)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l add-host -d 'Add a line to /etc/hosts: NAME:IP' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l dns -d 'Name server for /etc/resolv.conf (replaces the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-search -d 'Search domain for /etc/resolv.conf ("." for none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-option -d 'Option for /etc/resolv.conf (e.g. ndots:2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l mac-address -d 'MAC address of the container\'s interface (pasta, slirp4netns)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l ip -d 'IPv4 address of the container\'s interface (pasta)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l network-alias -d 'Another name the containers of its bridge networks know it by' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s l -l label -d 'Add a label (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l detach-keys -d 'Key sequence that detaches from the container\'s terminal (default ctrl-p,ctrl-q)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l log-opt -d 'Logging driver option: max-size=SIZE caps the log (rotated to ctr.log.1 when full)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l pull -d 'Pull policy when the image is not in the store: missing, always, never' -r -f -a "missing\t''
always\t''
never\t''
newer\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l tls-verify -d 'Require HTTPS for a pull (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l authfile -d 'The auth file for a pull (default: $REGISTRY_AUTH_FILE, else auth.json\'s places)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s v -l volume -d 'Bind mount a host path or mount a volume: [SOURCE:]DEST[:ro|rw,z,Z,U,nocopy,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l mount -d 'A mount: type=bind|volume|tmpfs,source=,destination=[,ro][,bind-propagation=][,tmpfs-size=][,tmpfs-mode=]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l tmpfs -d 'Mount a tmpfs at DEST: DEST[:size=SIZE,mode=MODE,...]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l read-only-tmpfs -d 'With --read-only, mount tmpfs on /tmp, /var/tmp and /run (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-add -d 'Add a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-drop -d 'Drop a capability (NAME, CAP_NAME or ALL)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l security-opt -d 'seccomp=unconfined|PROFILE.json, no-new-privileges, mask=PATHS, unmask=ALL|PATHS' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l userns -d 'User namespace: host, keep-id[:uid=N,gid=N] (your own ids inside)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l uidmap -d 'A uid mapping CONTAINER_ID:HOST_ID:AMOUNT (rootless, host ids are those of your namespace: 0 is you)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l gidmap -d 'A gid mapping CONTAINER_ID:HOST_ID:AMOUNT (default: as --uidmap)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l device -d 'A host device in the container: HOST[:CONTAINER][:PERMISSIONS]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s m -l memory -d 'Memory limit (e.g. 32m, 1g)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-swap -d 'Memory plus swap limit; -1: unlimited swap. Default: twice --memory' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-reservation -d 'Memory soft limit' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cpus -d 'Number of CPUs (e.g. 0.5)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s c -l cpu-shares -d 'CPU shares (relative weight, default 1024)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cpuset-cpus -d 'CPUs the container may run on (e.g. 0-1,3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cpuset-mems -d 'Memory nodes the container may use (e.g. 0)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l pids-limit -d 'Maximum number of processes (default 2048 where a pids controller is usable; 0 or -1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroups -d 'enabled, disabled, no-conmon or split' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroup-parent -d 'Parent cgroup of the container\'s (default /sangja)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l ulimit -d 'A resource limit: NAME=SOFT[:HARD] (nofile, nproc, core, stack...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l restart -d 'Restart policy of a detached container: no, on-failure[:N], always, unless-stopped' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l sdnotify -d 'Who sends READY=1 to $NOTIFY_SOCKET: container (default, as podman: the app, the socket is passed in), conmon (sangja, once the container runs) or ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-timeout -d 'Seconds from the stop signal to SIGKILL when the container is stopped (default 10)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cidfile -d 'Write the container\'s id to this file (refused if it exists)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l env-file -d 'Read environment variables from a file (KEY=VALUE lines, # comments); -e wins' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-signal -d 'Signal that stops the container (default: the image\'s STOPSIGNAL, else SIGTERM)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l annotation -d 'Add an annotation to the container (KEY=VALUE), as the OCI spec\'s annotations' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l tz -d 'Time zone of the container: a name under /usr/share/zoneinfo, or local (the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l umask -d 'The umask of the container\'s process (default 0022)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l unsetenv -d 'Unset a default environment variable (the image\'s, containers.conf\'s or sangja\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l env-merge -d 'Set a variable from the image\'s values: --env-merge PATH=${PATH}:/opt/bin' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l expose -d 'Expose a port or a range (8080, 3300-3310/udp) without publishing it; -P publishes it' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l group-add -d 'Add a supplementary group (name or gid); keep-groups keeps the caller\'s groups (rootless)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l shm-size -d 'Size of /dev/shm (e.g. 128m; 0: no limit; default 64m)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l sysctl -d 'Set a namespaced kernel parameter (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l oom-score-adj -d 'Adjust the OOM killer\'s preference for the container (-1000 to 1000)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l personality -d 'Execution domain (personality(2)): LINUX or LINUX32' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l uts -d 'UTS namespace: private (default), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l ipc -d 'IPC namespace: private (default), shareable, none (no /dev/shm), host, ns:PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l pid -d 'PID namespace: private (default) or host' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroupns -d 'cgroup namespace: host, private, ns:PATH (default: private where the container has cgroups)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l timeout -d 'Kill the container (SIGKILL) once it has run this many seconds (0: no limit)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l pidfile -d 'Write the container\'s pid to this file when it starts' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l conmon-pidfile -d 'Write the pid of the container\'s monitor (the sangja process that waits for it) to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l hostuser -d 'Add a user of the host (name or uid) to the container\'s /etc/passwd' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l passwd-entry -d 'The /etc/passwd entry written for --user when the image has none ($USERNAME, $UID, $GID, $NAME, $HOME)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-period -d 'CFS period of the CPU limit, in microseconds (with --cpu-quota)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-quota -d 'CFS quota: microseconds of CPU time per --cpu-period (-1: none)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-rt-period -d 'Realtime scheduling period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-rt-runtime -d 'Realtime scheduling runtime per period, in microseconds (cgroup v1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-swappiness -d 'The container\'s memory swappiness, 0 to 100 (cgroup v1; -1: the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l blkio-weight -d 'Block I/O weight, 10 to 1000' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l blkio-weight-device -d 'Block I/O weight of one device: DEVICE:WEIGHT' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l device-read-bps -d 'Read rate limit of a device: DEVICE:RATE (e.g. /dev/sda:1mb)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l device-write-bps -d 'Write rate limit of a device: DEVICE:RATE' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l device-read-iops -d 'Read operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l device-write-iops -d 'Write operations per second limit of a device: DEVICE:N' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l platform -d 'Pull the image for this platform (os/arch[/variant]) from a manifest list' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l arch -d 'Pull the image for this architecture (default the host\'s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l os -d 'Pull the image for this operating system (default linux)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l variant -d 'Pull the image for this variant of the architecture (e.g. v7 of arm)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l log-driver -d 'Logging driver: k8s-file (default), json-file (the same), none, passthrough' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR only (stdin with -i); no stream: print the id and wait' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l requires -d 'Containers (names or ids, comma-separated) started before this one' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l image-volume -d 'What the image\'s VOLUMEs get: bind (an anonymous volume, the default), tmpfs, ignore' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l volumes-from -d 'Mount the volumes and bind mounts of another container (CONTAINER[:ro|rw])' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l passwd -d 'Add entries to /etc/passwd and /etc/group for a numeric --user the image lacks (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l secret -d 'Give the container a secret: NAME[,type=mount|env,target=PATH,uid=N,gid=N,mode=0NNN]' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l health-cmd -d 'The health check\'s command: a shell command, or a JSON array (["CMD", ...])' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l health-interval -d 'Time between checks (default 30s; 0 or disable: checks only by `healthcheck run`)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l health-retries -d 'Failures in a row before the container is unhealthy (default 3)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l health-start-period -d 'Time after the start during which failures do not count (default 0s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l health-timeout -d 'Longest a check may take (default 30s)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l health-on-failure -d 'What to do when the container turns unhealthy: none, kill, restart, stop' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l rm -d 'Remove the container when it exits'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l rmi -d 'Remove the image too once the container has exited, unless another container uses it (implies --rm; run only)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l env-host -d 'Pass this process\'s whole environment into the container (before --env)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s P -l publish-all -d 'Publish every port the image EXPOSEs, on random host ports'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s i -l interactive -d 'Keep stdin open'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s d -l detach -d 'Run in the background and print the container\'s id'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Suppress pull progress'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l privileged -d 'All capabilities, no seccomp, no masked or read-only /proc and /sys paths'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l replace -d 'Remove a container of the same name first (stopping it if it runs)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l unsetenv-all -d 'Unset every default environment variable; -e and --env-file still apply'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l no-hosts -d 'Do not write /etc/hosts: the image\'s own stays (conflicts with --add-host)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from create" -l no-healthcheck -d 'Run no health check, not even the image\'s'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l detach-keys -d 'Key sequence that detaches with -a (default ctrl-p,ctrl-q)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l sig-proxy -d 'With -a, pass the signals sangja gets on to the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -s f -l filter -d 'Start the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -s a -l attach -d 'Attach: run in the foreground with the container\'s output on ours, exit with its code'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -s i -l interactive -d 'Keep stdin open (with -a: ours is the container\'s)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -l all -d 'Start all containers that are not running'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -s t -l time -d 'Seconds to wait for the stop signal to work before SIGKILL (default: the container\'s --stop-timeout, else 10)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -l cidfile -d 'Stop the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -s f -l filter -d 'Stop the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -s a -l all -d 'Stop all running containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -s i -l ignore -d 'Do not complain about containers that do not exist'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -s s -l signal -d 'Signal to send: a name (TERM, SIGHUP...) or a number' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -l cidfile -d 'Signal the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -s a -l all -d 'Signal all running containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -s t -l time -d 'Seconds to wait for the stop signal to work before SIGKILL' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -l cidfile -d 'Restart the container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -s f -l filter -d 'Restart the containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -s a -l all -d 'Restart all containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -l running -d 'Restart only the running ones (with --all)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -s i -l interval -d 'Ignored (podman\'s polling interval); sangja waits on a pidfd' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -l condition -d 'Wait until the container reaches one of these states (default: stopped, i.e. exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l tail -d 'Only the last N lines (-1: all)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l since -d 'Only lines since this time: RFC 3339, Unix seconds, or a duration before now (10m)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l until -d 'Only lines before this time (same forms as --since)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow the output until the container exits'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show the time of each line'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -s n -l names -d 'Prefix lines with container names instead of ids (several containers)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -s l -l latest -d 'The latest container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from port" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from port" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from port" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from port" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from port" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from port" -s a -l all -d 'List the ports of every running container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -l cidfile -d 'The container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -s f -l filter -d 'The containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -s a -l all -d 'All containers (running ones for pause, paused ones for unpause)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -l cidfile -d 'The container whose id is in this file (as `run --cidfile` wrote it)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -s f -l filter -d 'The containers that pass these filters (ps\'s keys: name, id, label, status, ancestor, exited)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -s a -l all -d 'All containers (running ones for pause, paused ones for unpause)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -s l -l latest -d 'Act on the newest container too (podman\'s --latest)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rename" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rename" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rename" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rename" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rename" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -s u -l user -d 'User (name or uid, optionally :group) to run the command as' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l preserve-fds -d 'Pass down to the process N additional file descriptors (in addition to 0, 1, 2)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to copy it from here)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l env-file -d 'Read environment variables from a file (KEY=VALUE lines)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l detach-keys -d 'Key sequence that detaches from the command\'s terminal' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -s i -l interactive -d 'Keep stdin open and pass it to the command'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Run the command in the background'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -l privileged -d 'Give the command every capability'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l detach-keys -d 'Key sequence that detaches (default ctrl-p,ctrl-q, or containers.conf\'s detach_keys)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l sig-proxy -d 'Pass the signals sangja gets on to the container' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -l no-stdin -d 'Do not pass our stdin to the container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from top" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from top" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from top" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from top" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from top" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l format -d 'Output: table, json, or a Go template ({{.Name}} {{.CPUPerc}} {{.MemUsage}}...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -s i -l interval -d 'Seconds between readings when streaming' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -s a -l all -d 'Show all containers (those not running with empty readings)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-stream -d 'Print one reading and exit'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-trunc -d 'Do not truncate ids'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from cp" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from cp" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from cp" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from cp" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from cp" -s a -l archive -d 'Keep the owners of files copied in (archive mode, the default); false: owned by the container\'s root' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from cp" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from cp" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from diff" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from diff" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from diff" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from diff" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from diff" -l format -d 'Output format: json, or the default "KIND PATH" lines' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from diff" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -s a -l author -d 'Author of the image' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -s m -l message -d 'Commit message (history comment)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -s c -l change -d 'Apply a Containerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -s p -l pause -d 'Pause the container while committing (accepted; the layer is read as is)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -s f -l format -d 'Image format: oci (docker is accepted and written as OCI)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -l iidfile -d 'Write the new image\'s id to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -s q -l quiet -d 'Print only the image id'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from commit" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from export" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from export" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from export" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from export" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to this file instead of stdout' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from export" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -l format -d 'Output format of the listing: json' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -l no-trunc -d 'Do not truncate ids in the listing'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -s a -l all -d 'Mount every container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from mount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -s a -l all -d 'Unmount every container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -s f -l force -d 'Accepted for podman compatibility'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from unmount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -s a -l all -d 'Initialize every container that is not running'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -s l -l latest -d 'The newest container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l cpus -d 'Number of CPUs (0.5, 2...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l cpuset-cpus -d 'CPUs the container may run on (0-3, 0,1)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l cpuset-mems -d 'Memory nodes the container may use' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -s m -l memory -d 'Memory limit (512m, 1g)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-reservation -d 'Memory soft limit' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-swap -d 'Memory plus swap limit (-1: unlimited swap)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l pids-limit -d 'Largest number of processes (-1 or 0: no limit)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l format -d 'Output format: table, json, or a Go template such as \'{{.ID}} {{.Names}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: name=, status=, id=, ancestor=, label=KEY[=VALUE], exited=CODE (repeatable)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -s n -l last -d 'Show the N most recently created containers (all states)' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l sort -d 'Sort by command, created (newest first, the default), id, image, names, runningfor, size or status' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all containers, not only running ones'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Show only ids'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate ids'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -s l -l latest -d 'Show the latest container only'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -s s -l size -d 'Show the size of each container\'s writable layer'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -l noheading -d 'Do not print the title line'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -s t -l type -d 'Only look for this kind of object' -r -f -a "container\t''
image\t''
all\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -s f -l format -d 'A Go template applied to each object, e.g. \'{{.State.Status}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -s s -l size -d 'Containers: add SizeRw and SizeRootFs (the writable layer, and it with the image)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -l filter -d 'Only the containers that pass these filters: label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exists" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exists" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exists" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exists" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exists" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exists" -l external -d 'Count containers another tool made in this store too: sangja\'s store holds only its own'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a command in a new container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a container without starting it; prints its id'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start containers (in the background; -a in the foreground)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop containers: the stop signal, then SIGKILL after the timeout'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "kill" -d 'Send a signal to containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Wait for containers to exit; prints their exit codes'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Show a container\'s output'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "port" -d 'List a container\'s published ports'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause (freeze) containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "unpause" -d 'Unpause containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename a container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "exec" -d 'Run a command in a running container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "attach" -d 'Attach to a running container\'s terminal or output (detach with ctrl-p,ctrl-q)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "top" -d 'Show the processes of a running container'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Show the resource use of running containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "cp" -d 'Copy files between a container and the host'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Show a container\'s changes against its image (A added, C changed, D deleted)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "commit" -d 'Make an image of a container\'s changes'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write a container\'s files as a tar archive'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "mount" -d 'Mount a container\'s root filesystem and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "init" -d 'Initialize containers: check they are ready to start (sangja\'s create prepares everything)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a container\'s resource limits (its cgroups while it runs, and its record)'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Inspect containers'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove all containers that are not running'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 if the container exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -l kernel -d 'Mount kernel overlay instead, with this (empty) work folder beside UPPER' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -l vfs -d 'The vfs driver instead: apply the layers into UPPER (empty) and bind-mount it'
complete -c sangja -n "__fish_sangja_using_subcommand __fuse-mount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand info" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand info" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand info" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand info" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand info" -s f -l format -d 'Output format: json, or a Go template such as \'{{.Store.GraphRoot}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand info" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand info" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand login" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand login" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand login" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand login" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand login" -s u -l username -d 'User name' -r
complete -c sangja -n "__fish_sangja_using_subcommand login" -s p -l password -d 'Password (visible to other users in `ps`: prefer --password-stdin)' -r
complete -c sangja -n "__fish_sangja_using_subcommand login" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand login" -l authfile -d 'The auth file to write (default: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand login" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand login" -l password-stdin -d 'Read the password from stdin'
complete -c sangja -n "__fish_sangja_using_subcommand login" -l get-login -d 'Print the user name stored for the registry and exit'
complete -c sangja -n "__fish_sangja_using_subcommand login" -s v -l verbose -d 'Print the auth file used'
complete -c sangja -n "__fish_sangja_using_subcommand login" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand logout" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand logout" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand logout" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand logout" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand logout" -l authfile -d 'The auth file (default as for login)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand logout" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand logout" -s a -l all -d 'Remove the credentials of every registry'
complete -c sangja -n "__fish_sangja_using_subcommand logout" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand version" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand version" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand version" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand version" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand version" -s f -l format -d 'Output format: json, or a Go template such as \'{{.Client.Version}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand version" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand version" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand completion" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand completion" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand completion" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand completion" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand completion" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand completion" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -l all -d 'Containers: all of them (default: the running ones)'
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -l stopped -d 'Containers: only the ones not running'
complete -c sangja -n "__fish_sangja_using_subcommand __complete" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand __generate-docs" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __generate-docs" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __generate-docs" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand __generate-docs" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand __generate-docs" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand __generate-docs" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -f -a "systemd" -d 'Write a systemd unit that runs a container'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and not __fish_seen_subcommand_from systemd help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l restart-policy -d 'systemd\'s Restart= value: no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always' -r
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l restart-sec -d 'Seconds systemd waits before restarting (RestartSec=)' -r
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l container-prefix -d 'Prefix of the unit\'s name' -r
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l separator -d 'Separator between the prefix and the name' -r
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s t -l stop-timeout -l time -d 'Seconds to stop the container (default: its --stop-timeout, else 10)' -r
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l new -d 'Create the container at start and remove it at stop (from its recorded create command)'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s n -l name -d 'Name the unit after the container\'s name, not its id'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s f -l files -d 'Write the unit to CONTAINER_PREFIX-NAME.service in the current folder and print its path'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "systemd" -d 'Write a systemd unit that runs a container'
complete -c sangja -n "__fish_sangja_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -l dryrun -d 'Print the units to stdout instead of writing them'
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -l user -d 'The units of the user\'s files (default when not root), not the system\'s'
complete -c sangja -n "__fish_sangja_using_subcommand __quadlet" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "create" -d 'Create a volume'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "ls" -d 'List volumes'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "inspect" -d 'Show volumes\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "rm" -d 'Remove volumes'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "prune" -d 'Remove every volume no container uses'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "exists" -d 'Exit 0 if the volume exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "export" -d 'Write a volume\'s content to a tar archive'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "import" -d 'Unpack a tar archive into a volume'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "mount" -d 'Print a volume\'s mountpoint (its folder; rootless: use it inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "unmount" -d 'Undo `volume mount` (nothing to undo for a local volume\'s folder)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune exists export import mount unmount help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -s d -l driver -d 'Volume driver: only local' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -s l -l label -d 'Set a label (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -s o -l opt -d 'Driver option (local: type=, device=, o=)' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -l ignore -d 'Do nothing if the volume exists'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: name=, label=KEY[=VALUE], dangling=true|false, driver=' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -l format -d 'Output format: table, json, or a Go template (\'{{.Name}}\')' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only names'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -l noheading -d 'Do not print the title line'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format: json (default) or a Go template' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s a -l all -d 'Inspect every volume'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove volumes in use too, with the containers that use them'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove every volume'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -l filter -d 'Only volumes with (label=) or without (label!=) a label, or created before until=TIME' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from exists" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from exists" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from exists" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from exists" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from exists" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from export" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from export" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from export" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from export" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to this file instead of stdout' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from export" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from import" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from import" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from import" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from import" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from import" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from mount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from mount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from mount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from mount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from mount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from mount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from unmount" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from unmount" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from unmount" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from unmount" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from unmount" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from unmount" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a volume'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List volumes'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show volumes\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove volumes'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove every volume no container uses'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 if the volume exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write a volume\'s content to a tar archive'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "import" -d 'Unpack a tar archive into a volume'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "mount" -d 'Print a volume\'s mountpoint (its folder; rootless: use it inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "unmount" -d 'Undo `volume mount` (nothing to undo for a local volume\'s folder)'
complete -c sangja -n "__fish_sangja_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "create" -d 'Create a bridge network'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "ls" -d 'List networks'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "inspect" -d 'Show networks\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "rm" -d 'Remove networks'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "prune" -d 'Remove every network no container uses'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "exists" -d 'Exit 0 if the network exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "connect" -d 'Connect a container to a network'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c sangja -n "__fish_sangja_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune exists connect disconnect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -s d -l driver -d 'Driver: only bridge' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l subnet -d 'IPv4 subnet, e.g. 10.89.5.0/24 (default: a free 10.89.N.0/24)' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l gateway -d 'Gateway address (default: the subnet\'s first)' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l label -d 'Set a label (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l internal -d 'No route to the outside: containers reach only each other'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -l ignore -d 'Do nothing if the network exists'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: name=, id=, driver=, label=KEY[=VALUE]' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l format -d 'Output format: table, json, or a Go template (\'{{.Name}}\')' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only names'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate ids'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -l noheading -d 'Do not print the title line'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from inspect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from inspect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from inspect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format: json (default) or a Go template' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from inspect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from rm" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from rm" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from rm" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from rm" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove the containers that use the network too'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from prune" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from prune" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from prune" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from prune" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from exists" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from exists" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from exists" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from exists" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from exists" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -l alias -d 'Another name for the container on this network (connect)' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -s f -l force -d 'Disconnect even if ... (accepted for podman compatibility)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l alias -d 'Another name for the container on this network (connect)' -r
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s f -l force -d 'Disconnect even if ... (accepted for podman compatibility)'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a bridge network'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List networks'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show networks\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove networks'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove every network no container uses'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 if the network exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "connect" -d 'Connect a container to a network'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c sangja -n "__fish_sangja_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand import" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand import" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand import" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand import" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand import" -s c -l change -d 'Apply a Containerfile instruction (CMD, ENTRYPOINT, ENV...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand import" -s m -l message -d 'Commit message (history comment)' -r
complete -c sangja -n "__fish_sangja_using_subcommand import" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand import" -s q -l quiet -d 'Print only the image id'
complete -c sangja -n "__fish_sangja_using_subcommand import" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand unshare" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand unshare" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand unshare" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand unshare" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand unshare" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand unshare" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -f -a "df" -d 'Show the disk space used by images, containers and volumes'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -f -a "check" -d 'Check the store for damage and orphans; --repair removes them'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -f -a "prune" -d 'Remove stopped containers, unused networks, dangling images (and with --volumes unused volumes)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -f -a "reset" -d 'Remove every container, image, volume and network, and the store\'s folders'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -f -a "service" -d 'Serve the Docker-compatible API on a unix socket (or tcp), until idle'
complete -c sangja -n "__fish_sangja_using_subcommand system; and not __fish_seen_subcommand_from df check prune reset service help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -l format -d 'Output format: json or a Go template' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -s v -l verbose -d 'Accepted; the summary is always shown'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from df" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -s m -l max -d 'Maximum allowed age of unreferenced layers and blobs (younger ones may be a pull at work)' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -s r -l repair -d 'Remove what is damaged (images, layers, containers not running) or orphaned'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -s f -l force -d 'With --repair: also remove the containers that use damaged images'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -s q -l quick -d 'Skip the time-consuming checks (hashing big blobs, walking layers\' files)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -l filter -d 'Only containers and images with (label=) or without (label!=) a label, or created before until=TIME' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove every unused image, not only dangling ones'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -l volumes -d 'Remove unused volumes too'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from reset" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from reset" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from reset" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from reset" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from reset" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from reset" -s f -l force -d 'Do not ask for confirmation'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from service" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from service" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from service" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from service" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from service" -s t -l time -d 'Exit this many seconds after the last connection closed (0: never)' -r
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from service" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from service" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "df" -d 'Show the disk space used by images, containers and volumes'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the store for damage and orphans; --repair removes them'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove stopped containers, unused networks, dangling images (and with --volumes unused volumes)'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Remove every container, image, volume and network, and the store\'s folders'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "service" -d 'Serve the Docker-compatible API on a unix socket (or tcp), until idle'
complete -c sangja -n "__fish_sangja_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand tag" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand tag" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand tag" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand tag" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand tag" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand tag" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand untag" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand untag" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand untag" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand untag" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand untag" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand untag" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand history" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand history" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand history" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand history" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand history" -s H -l human -d 'Show sizes and times for people (`-H=false`: times as RFC 3339)' -r
complete -c sangja -n "__fish_sangja_using_subcommand history" -l format -d 'json, or a Go template over ID, Created, CreatedAt, CreatedSince, CreatedBy, Size, Comment, Tags' -r
complete -c sangja -n "__fish_sangja_using_subcommand history" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand history" -l no-trunc -d 'Do not truncate ids and CREATED BY'
complete -c sangja -n "__fish_sangja_using_subcommand history" -s q -l quiet -d 'Print the ids only'
complete -c sangja -n "__fish_sangja_using_subcommand history" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand search" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand search" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand search" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand search" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand search" -l authfile -d 'The auth file with the registry\'s credentials' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand search" -l creds -d 'Credentials (USERNAME:PASSWORD) for the registry' -r
complete -c sangja -n "__fish_sangja_using_subcommand search" -s f -l filter -d 'Filter: stars=N, is-official=BOOL, is-automated=BOOL' -r
complete -c sangja -n "__fish_sangja_using_subcommand search" -l format -d 'json, or a Go template such as \'{{.Name}}\'' -r
complete -c sangja -n "__fish_sangja_using_subcommand search" -l limit -d 'At most this many results per registry (default 25)' -r
complete -c sangja -n "__fish_sangja_using_subcommand search" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand search" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand search" -l compatible -d 'Also show the STARS, OFFICIAL and AUTOMATED columns (Docker\'s table)'
complete -c sangja -n "__fish_sangja_using_subcommand search" -l list-tags -d 'List the tags of the repository TERM names'
complete -c sangja -n "__fish_sangja_using_subcommand search" -l no-trunc -d 'Do not truncate descriptions'
complete -c sangja -n "__fish_sangja_using_subcommand search" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "create" -d 'Create a manifest list, optionally with images in it'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "add" -d 'Add an image to a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "annotate" -d 'Set the platform and annotations of an image in a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "inspect" -d 'Print a manifest list (local) or a manifest or index (in a registry) as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "rm" -d 'Remove manifest lists'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "remove" -d 'Remove an image from a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "exists" -d 'Exit 0 if the manifest list exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "push" -d 'Push a manifest list and its images to a registry'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and not __fish_seen_subcommand_from create add annotate inspect rm remove exists push help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -l all -d 'Add every image of the lists given as images'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -s a -l amend -d 'Add to an existing list of that name instead of failing'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l annotation -d 'Set an annotation (KEY=VALUE) on the image\'s entry' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l arch -d 'Override the architecture' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l features -d 'Override the features' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l os -d 'Override the OS' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l os-version -d 'Override the OS version' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l variant -d 'Override the variant' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l authfile -d 'The auth file with the registry\'s credentials' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l creds -d 'Credentials (USERNAME:PASSWORD) for the registry' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -l all -d 'If the image is a list in a registry, add every image of it'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l annotation -d 'Set an annotation (KEY=VALUE) on the image\'s entry' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l arch -d 'Override the architecture' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l features -d 'Override the features' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l os -d 'Override the OS' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l os-version -d 'Override the OS version' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l variant -d 'Override the variant' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l os-features -d 'Override the OS features' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from remove" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from remove" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from remove" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from remove" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from remove" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from exists" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from exists" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from exists" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from exists" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from exists" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l all -d 'Push the list\'s images too, not only the list (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l authfile -d 'The auth file with the registry\'s credentials' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l compression-format -d 'Compression of the layers sent: gzip or zstd (default: reuse what the registry has, else gzip)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l creds -d 'Credentials (USERNAME:PASSWORD) for the registry' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l digestfile -d 'Write the digest of the pushed list to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -s f -l format -d 'The list\'s type and its images\' manifest format: oci or v2s2 (default: as stored)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l sign-by -d 'Sign the images with this GPG key (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l sign-by-sigstore-private-key -d 'Sign with a sigstore private key (not supported: refused)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l tls-verify -d 'Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Print no progress'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l remove-signatures -d 'Do not copy signatures (sangja copies none: accepted for compatibility)'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -l rm -d 'Remove the local list once it is pushed'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a manifest list, optionally with images in it'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add an image to a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "annotate" -d 'Set the platform and annotations of an image in a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Print a manifest list (local) or a manifest or index (in a registry) as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove manifest lists'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove an image from a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 if the manifest list exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "push" -d 'Push a manifest list and its images to a registry'
complete -c sangja -n "__fish_sangja_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand build" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand build" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand build" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand build" -s t -l tag -d 'Name (and tag) for the image; may be given several times' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -s f -l file -d 'The Containerfile (`-` reads it from stdin; default: Containerfile, then Dockerfile, in the context)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l build-arg -d 'A build argument: KEY=VALUE, or KEY to take it from this environment' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l build-arg-file -d 'A file of build arguments, KEY=VALUE a line (# comments)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand build" -l target -d 'Build up to this stage (FROM ... AS NAME)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l layers -d 'Use and keep the layer cache (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l pull -d 'When to pull FROM images: always, missing, never, newer (bare --pull: always)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l platform -d 'The platform to build for: this machine\'s only (linux/amd64 on x86-64)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l label -d 'A label for the image (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l annotation -d 'An annotation for the image\'s manifest (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l format -d 'The image format: oci or docker' -r -f -a "oci\t''
docker\t''"
complete -c sangja -n "__fish_sangja_using_subcommand build" -l network -d 'The network of RUN steps: default, none, host, pasta, slirp4netns' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -s v -l volume -d 'A volume or bind mount for RUN steps: [SOURCE:]DEST[:OPTIONS]' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l secret -d 'A secret for RUN --mount=type=secret: id=ID,src=PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l iidfile -d 'Write the image\'s id to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand build" -l timestamp -d 'Set the image\'s created time (seconds since the epoch)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l rm -d 'Remove the steps\' containers (always done; accepted for podman\'s scripts)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l force-rm -d 'Remove the steps\' containers even after a failure (always done)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l ignorefile -d 'The ignore file (default .containerignore, then .dockerignore, in the context)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand build" -l tls-verify -d 'Require HTTPS for pulls (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l ssh -d 'SSH agent forwarding to RUN --mount=type=ssh (not supported yet)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l cache-from -d 'Cache sources in a registry (not supported yet: the local cache is used)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l cache-to -d 'Cache destinations in a registry (not supported yet: the local cache is kept)' -r
complete -c sangja -n "__fish_sangja_using_subcommand build" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand build" -l no-cache -d 'Do not use the cache (the steps still fill it)'
complete -c sangja -n "__fish_sangja_using_subcommand build" -l squash -d 'Squash the layers this build makes into one (the base image\'s stay as they are)'
complete -c sangja -n "__fish_sangja_using_subcommand build" -l squash-all -d 'Squash all the image\'s layers into one'
complete -c sangja -n "__fish_sangja_using_subcommand build" -s q -l quiet -d 'Print only the image\'s id'
complete -c sangja -n "__fish_sangja_using_subcommand build" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -f -a "build" -d 'Build an image from a Containerfile'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name (and tag) for the image; may be given several times' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -s f -l file -d 'The Containerfile (`-` reads it from stdin; default: Containerfile, then Dockerfile, in the context)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l build-arg -d 'A build argument: KEY=VALUE, or KEY to take it from this environment' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l build-arg-file -d 'A file of build arguments, KEY=VALUE a line (# comments)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l target -d 'Build up to this stage (FROM ... AS NAME)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l layers -d 'Use and keep the layer cache (default true)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l pull -d 'When to pull FROM images: always, missing, never, newer (bare --pull: always)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l platform -d 'The platform to build for: this machine\'s only (linux/amd64 on x86-64)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l label -d 'A label for the image (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l annotation -d 'An annotation for the image\'s manifest (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l format -d 'The image format: oci or docker' -r -f -a "oci\t''
docker\t''"
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l network -d 'The network of RUN steps: default, none, host, pasta, slirp4netns' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -s v -l volume -d 'A volume or bind mount for RUN steps: [SOURCE:]DEST[:OPTIONS]' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l secret -d 'A secret for RUN --mount=type=secret: id=ID,src=PATH' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image\'s id to this file' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l timestamp -d 'Set the image\'s created time (seconds since the epoch)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l rm -d 'Remove the steps\' containers (always done; accepted for podman\'s scripts)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l force-rm -d 'Remove the steps\' containers even after a failure (always done)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l ignorefile -d 'The ignore file (default .containerignore, then .dockerignore, in the context)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l tls-verify -d 'Require HTTPS for pulls (`--tls-verify=false` allows plain HTTP)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l ssh -d 'SSH agent forwarding to RUN --mount=type=ssh (not supported yet)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l cache-from -d 'Cache sources in a registry (not supported yet: the local cache is used)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l cache-to -d 'Cache destinations in a registry (not supported yet: the local cache is kept)' -r
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use the cache (the steps still fill it)'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l squash -d 'Squash the layers this build makes into one (the base image\'s stay as they are)'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -l squash-all -d 'Squash all the image\'s layers into one'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image\'s id'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image from a Containerfile'
complete -c sangja -n "__fish_sangja_using_subcommand buildx; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand save" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand save" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand save" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand save" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand save" -s o -l output -d 'Write to this file (a folder for oci-dir and docker-dir); default: stdout, which must not be a terminal' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand save" -l format -d 'Format: docker-archive (default), oci-archive, oci-dir, docker-dir' -r
complete -c sangja -n "__fish_sangja_using_subcommand save" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand save" -s m -l multi-image-archive -d 'Save several images into one docker-archive (the names after the first are images, not more tags)'
complete -c sangja -n "__fish_sangja_using_subcommand save" -l uncompressed -d 'Keep the layers uncompressed in the OCI formats'
complete -c sangja -n "__fish_sangja_using_subcommand save" -l compress -d 'Compress the layers with gzip (docker-dir)'
complete -c sangja -n "__fish_sangja_using_subcommand save" -s q -l quiet -d 'Print no progress'
complete -c sangja -n "__fish_sangja_using_subcommand save" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand load" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand load" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand load" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand load" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand load" -s i -l input -d 'Read this archive (or oci-dir/docker-dir folder) instead of stdin' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand load" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand load" -s q -l quiet -d 'Print no progress'
complete -c sangja -n "__fish_sangja_using_subcommand load" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand events" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand events" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand events" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand events" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand events" -s f -l filter -d 'Only events matching KEY=VALUE: container, event, image, label, type, volume, network, pod' -r
complete -c sangja -n "__fish_sangja_using_subcommand events" -l format -d 'Print each event with a Go template, or as JSON lines (json)' -r
complete -c sangja -n "__fish_sangja_using_subcommand events" -l no-trunc -d 'Do not truncate ids (the default; --no-trunc=false shows 12 characters)' -r -f -a "true\t''
false\t''"
complete -c sangja -n "__fish_sangja_using_subcommand events" -l since -d 'Show events since this time: RFC 3339, a date, Unix seconds, or a duration before now (10m)' -r
complete -c sangja -n "__fish_sangja_using_subcommand events" -l until -d 'Show events until this time (same forms as --since)' -r
complete -c sangja -n "__fish_sangja_using_subcommand events" -l stream -d 'Wait for new events (the default); --stream=false prints the past ones and exits' -r -f -a "true\t''
false\t''"
complete -c sangja -n "__fish_sangja_using_subcommand events" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand events" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -f -a "create" -d 'Create a secret from a file, stdin (-) or an environment variable (--env)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -f -a "ls" -d 'List secrets'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -f -a "inspect" -d 'Show secrets\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -f -a "rm" -d 'Remove secrets'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -f -a "exists" -d 'Exit 0 if the secret exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and not __fish_seen_subcommand_from create ls inspect rm exists help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -s d -l driver -d 'The driver: file (the only one)' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l driver-opts -d 'Driver options (KEY=VALUE,...)' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -s l -l label -d 'Add a label (KEY=VALUE)' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l env -d 'Read the value from the environment variable named by the second argument'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -l replace -d 'Give an existing secret of that name the new value'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: name=NAME, id=ID (prefixes match)' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -l format -d 'Go template or json' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -l noheading -d 'Do not print the heading'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print the ids only'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Go template' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -l pretty -d 'Human-readable output'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -l showsecret -d 'Show the secret\'s value too (SecretData)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove every secret'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'A secret that does not exist is not an error'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from exists" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from exists" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from exists" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from exists" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from exists" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a secret from a file, stdin (-) or an environment variable (--env)'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List secrets'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show secrets\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove secrets'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 if the secret exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -f -a "run" -d 'Run a container\'s health check once: exit 0 if healthy, 1 (printing the status) if not'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from run" -l root -d 'Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from run" -l runroot -d 'Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja)' -r -F
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from run" -l storage-driver -d 'Storage driver: overlay' -r
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from run" -l log-level -d 'Log messages at this level and above: debug, info, warn, error. (An unknown level exits 1 with podman\'s message: main.rs.)' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
warning\t''
error\t''
fatal\t''
panic\t''"
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from run" -l noout -d 'Print nothing on standard output (errors and warnings still go to stderr)'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a container\'s health check once: exit 0 if healthy, 1 (printing the status) if not'
complete -c sangja -n "__fish_sangja_using_subcommand healthcheck; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "run" -d 'Run a command in a new container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "rm" -d 'Remove one or more containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "create" -d 'Create a container without starting it; prints its id'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "start" -d 'Start containers (in the background; -a in the foreground)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "stop" -d 'Stop containers: the stop signal, then SIGKILL after the timeout'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "kill" -d 'Send a signal to containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "restart" -d 'Restart containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "wait" -d 'Wait for containers to exit; prints their exit codes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "logs" -d 'Show a container\'s output'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "port" -d 'List a container\'s published ports'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "pause" -d 'Pause (freeze) containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "unpause" -d 'Unpause containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "rename" -d 'Rename a container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "exec" -d 'Run a command in a running container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "attach" -d 'Attach to a running container\'s terminal or output (detach with ctrl-p,ctrl-q)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "top" -d 'Show the processes of a running container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "stats" -d 'Show the resource use of running containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "cp" -d 'Copy files between a container and the host'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "diff" -d 'Show a container\'s changes against its image (A added, C changed, D deleted)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "commit" -d 'Make an image of a container\'s changes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "export" -d 'Write a container\'s files as a tar archive'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "mount" -d 'Mount a container\'s root filesystem and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "init" -d 'Initialize containers: check they are ready to start (sangja\'s create prepares everything)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "update" -d 'Change a container\'s resource limits (its cgroups while it runs, and its record)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "pull" -d 'Pull an image from a registry'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "push" -d 'Push an image to a registry'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "images" -d 'List images in local storage'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "rmi" -d 'Remove one or more images'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "ps" -d 'List containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "inspect" -d 'Show the configuration and state of containers or images as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "image" -d 'Manage images (podman\'s `image` group)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "container" -d 'Manage containers (podman\'s `container` group)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "__fuse-mount" -d 'Run a command with layers mounted by the FUSE overlay (internal, tests and benchmarks)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "info" -d 'Show the system\'s configuration: store, registries, host'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "login" -d 'Log in to a registry (stores the credentials in auth.json)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "logout" -d 'Log out of a registry (removes its credentials from auth.json)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "version" -d 'Show version information'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "completion" -d 'Print the shell completion script for bash, zsh or fish'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "__complete" -d 'Names of containers, images, volumes, networks for the completion scripts (internal)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "__generate-docs" -d 'Write completions/ and man/ into a folder (internal, packaging/gen-docs.sh)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "generate" -d 'Generate systemd units from containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "__quadlet" -d 'The Quadlet-style generator: .container files to .service units (also run as sangja-user-generator)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "volume" -d 'Manage volumes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "network" -d 'Manage networks'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "import" -d 'Make an image of a tarball'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "unshare" -d 'Run a command in sangja\'s user namespace'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "system" -d 'System-wide commands'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "tag" -d 'Add names to an image'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "untag" -d 'Remove names from an image (all of them without NAME)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "history" -d 'Show the history of an image'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "search" -d 'Search a registry for images'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "manifest" -d 'Manage manifest lists'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "build" -d 'Build an image from a Containerfile or Dockerfile'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "buildx" -d 'docker buildx\'s name for build (`buildx build`)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "save" -d 'Save images to an archive (docker-archive, oci-archive) or folder (oci-dir, docker-dir)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "load" -d 'Load images from an archive or folder (stdin by default)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "events" -d 'Show events: containers, images, volumes, networks (podman\'s file event log)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "secret" -d 'Manage secrets'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "healthcheck" -d 'Run a container\'s health check'
complete -c sangja -n "__fish_sangja_using_subcommand help; and not __fish_seen_subcommand_from run rm create start stop kill restart wait logs port pause unpause rename exec attach top stats cp diff commit export mount unmount init update pull push images rmi ps inspect image container __fuse-mount info login logout version completion __complete __generate-docs generate __quadlet volume network import unshare system tag untag history search manifest build buildx save load events secret healthcheck help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "pull" -d 'Pull an image from a registry'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "push" -d 'Push an image to a registry'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "ls" -d 'List images'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "rm" -d 'Remove images'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "inspect" -d 'Inspect images'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "import" -d 'Make an image of a tarball'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "tag" -d 'Add names to an image'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "untag" -d 'Remove names from an image'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "history" -d 'Show the history of an image'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "exists" -d 'Exit 0 if the image is in local storage, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "tree" -d 'Show an image\'s layers and the images that share them'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "mount" -d 'Mount an image\'s root filesystem read-only and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "unmount" -d 'Unmount an image\'s root filesystem'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "search" -d 'Search a registry for images'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "build" -d 'Build an image from a Containerfile or Dockerfile'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "save" -d 'Save images to an archive or folder'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "load" -d 'Load images from an archive or folder'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "prune" -d 'Remove dangling images (-a: every image no container uses)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "run" -d 'Run a command in a new container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "rm" -d 'Remove one or more containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "create" -d 'Create a container without starting it; prints its id'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "start" -d 'Start containers (in the background; -a in the foreground)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "stop" -d 'Stop containers: the stop signal, then SIGKILL after the timeout'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "kill" -d 'Send a signal to containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "restart" -d 'Restart containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "wait" -d 'Wait for containers to exit; prints their exit codes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "logs" -d 'Show a container\'s output'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "port" -d 'List a container\'s published ports'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "pause" -d 'Pause (freeze) containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "unpause" -d 'Unpause containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "rename" -d 'Rename a container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "exec" -d 'Run a command in a running container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "attach" -d 'Attach to a running container\'s terminal or output (detach with ctrl-p,ctrl-q)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "top" -d 'Show the processes of a running container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "stats" -d 'Show the resource use of running containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "cp" -d 'Copy files between a container and the host'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "diff" -d 'Show a container\'s changes against its image (A added, C changed, D deleted)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "commit" -d 'Make an image of a container\'s changes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "export" -d 'Write a container\'s files as a tar archive'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "mount" -d 'Mount a container\'s root filesystem and print its path (rootless: inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "init" -d 'Initialize containers: check they are ready to start (sangja\'s create prepares everything)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "update" -d 'Change a container\'s resource limits (its cgroups while it runs, and its record)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "ls" -d 'List containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "inspect" -d 'Inspect containers'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "prune" -d 'Remove all containers that are not running'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "exists" -d 'Exit 0 if the container exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "systemd" -d 'Write a systemd unit that runs a container'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "create" -d 'Create a volume'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "ls" -d 'List volumes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "inspect" -d 'Show volumes\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "rm" -d 'Remove volumes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "prune" -d 'Remove every volume no container uses'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "exists" -d 'Exit 0 if the volume exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "export" -d 'Write a volume\'s content to a tar archive'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "import" -d 'Unpack a tar archive into a volume'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "mount" -d 'Print a volume\'s mountpoint (its folder; rootless: use it inside `sangja unshare`)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "unmount" -d 'Undo `volume mount` (nothing to undo for a local volume\'s folder)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "create" -d 'Create a bridge network'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "ls" -d 'List networks'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "inspect" -d 'Show networks\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "rm" -d 'Remove networks'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "prune" -d 'Remove every network no container uses'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "exists" -d 'Exit 0 if the network exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "connect" -d 'Connect a container to a network'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "df" -d 'Show the disk space used by images, containers and volumes'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "check" -d 'Check the store for damage and orphans; --repair removes them'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "prune" -d 'Remove stopped containers, unused networks, dangling images (and with --volumes unused volumes)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "reset" -d 'Remove every container, image, volume and network, and the store\'s folders'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "service" -d 'Serve the Docker-compatible API on a unix socket (or tcp), until idle'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "create" -d 'Create a manifest list, optionally with images in it'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "add" -d 'Add an image to a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "annotate" -d 'Set the platform and annotations of an image in a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "inspect" -d 'Print a manifest list (local) or a manifest or index (in a registry) as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "rm" -d 'Remove manifest lists'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "remove" -d 'Remove an image from a manifest list'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "exists" -d 'Exit 0 if the manifest list exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "push" -d 'Push a manifest list and its images to a registry'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from buildx" -f -a "build" -d 'Build an image from a Containerfile'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "create" -d 'Create a secret from a file, stdin (-) or an environment variable (--env)'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "ls" -d 'List secrets'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "inspect" -d 'Show secrets\' details as JSON'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "rm" -d 'Remove secrets'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "exists" -d 'Exit 0 if the secret exists, 1 if not'
complete -c sangja -n "__fish_sangja_using_subcommand help; and __fish_seen_subcommand_from healthcheck" -f -a "run" -d 'Run a container\'s health check once: exit 0 if healthy, 1 (printing the status) if not'

# Names of containers, images, volumes and networks: asked of sangja itself
# (`sangja __complete words -- WORDS`); the condition keeps them for the entry.
function __sangja_objects_wanted
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -g __sangja_objects ($tokens[1] __complete words -- $tokens[2..-1] "$current" 2>/dev/null)
end
complete -c sangja -n __sangja_objects_wanted -f -a '$__sangja_objects'
# Values of flags that name objects: fish asks the flag's own entries for them.
complete -c sangja -n __sangja_objects_wanted -l network -x -a '$__sangja_objects'
