//! The EXAMPLES of the man pages (docs.rs), one table entry per command.
//! Kept here, as data for the generator, rather than in the clap definitions.
//! Pages under `container` and `image` reuse the top-level command's examples
//! with the group's spelling.

/// (command key, [(what it does, command line)]).
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    ("", &[
        ("Run a command in a new container and remove it afterwards.", "sangja run --rm docker.io/library/alpine echo hello"),
        ("List all containers, then all images.", "sangja ps -a\nsangja images"),
    ]),
    ("run", &[
        ("Run a command in a throw-away container.", "sangja run --rm docker.io/library/alpine cat /etc/os-release"),
        ("An interactive shell with a terminal.", "sangja run -it --rm docker.io/library/alpine sh"),
        ("A named web server in the background, port 8080 of the host to 80.", "sangja run -d --name web -p 8080:80 docker.io/library/nginx"),
        ("Environment, working folder and a volume.", "sangja run --rm -e MODE=test -w /data -v data:/data docker.io/library/alpine ls"),
    ]),
    ("create", &[
        ("Create a container, then start it and follow its output.", "sangja create --name job docker.io/library/alpine echo done\nsangja start -a job"),
    ]),
    ("rm", &[
        ("Remove a stopped container.", "sangja rm web"),
        ("Remove a running container (killed first).", "sangja rm -f web"),
    ]),
    ("start", &[
        ("Start a stopped container in the background.", "sangja start web"),
        ("Start a container and attach to its output.", "sangja start -a job"),
    ]),
    ("stop", &[
        ("Stop a container, waiting up to 5 seconds before SIGKILL.", "sangja stop -t 5 web"),
    ]),
    ("kill", &[
        ("Send SIGHUP to a container's main process.", "sangja kill -s HUP web"),
    ]),
    ("restart", &[("Restart a container.", "sangja restart web")]),
    ("wait", &[("Wait for a container to exit and print its exit code.", "sangja wait job")]),
    ("logs", &[
        ("Show a container's output.", "sangja logs web"),
        ("Follow the output, starting with the last 10 lines.", "sangja logs -f --tail 10 web"),
    ]),
    ("port", &[("List the published ports of a container.", "sangja port web")]),
    ("pause", &[("Freeze every process of a container.", "sangja pause web")]),
    ("unpause", &[("Thaw a paused container.", "sangja unpause web")]),
    ("rename", &[("Give a container a new name.", "sangja rename web web-old")]),
    ("exec", &[
        ("Run a command in a running container.", "sangja exec web cat /etc/hostname"),
        ("An interactive shell in a running container.", "sangja exec -it web sh"),
    ]),
    ("top", &[("Show the processes of a container.", "sangja top web")]),
    ("stats", &[("One sample of the resource use of every running container.", "sangja stats --no-stream")]),
    ("cp", &[
        ("Copy a file out of a container.", "sangja cp web:/etc/nginx/nginx.conf ./nginx.conf"),
        ("Copy a folder into a container.", "sangja cp ./site web:/usr/share/nginx/html"),
    ]),
    ("diff", &[("Show what a container changed against its image.", "sangja diff web")]),
    ("commit", &[("Make an image of a container's changes.", "sangja commit web localhost/web:v2")]),
    ("export", &[("Write a container's files as a tar archive.", "sangja export -o web.tar web")]),
    ("mount", &[("Mount a container's root filesystem (rootless: inside sangja unshare).", "sangja unshare sh -c 'ls $(sangja mount web)'")]),
    ("unmount", &[("Unmount a container's root filesystem.", "sangja unmount web")]),
    ("pull", &[
        ("Pull an image.", "sangja pull docker.io/library/alpine:3.20"),
        ("Pull from a local registry over plain HTTP.", "sangja pull --tls-verify=false 127.0.0.1:5000/busybox"),
    ]),
    ("images", &[
        ("List images.", "sangja images"),
        ("Only the ids; or a template of your own.", "sangja images -q\nsangja images --format '{{.Repository}}:{{.Tag}} {{.Size}}'"),
    ]),
    ("rmi", &[
        ("Remove an image.", "sangja rmi docker.io/library/alpine:3.20"),
        ("Remove an image and the containers using it.", "sangja rmi -f docker.io/library/alpine:3.20"),
    ]),
    ("ps", &[
        ("List running containers; all of them.", "sangja ps\nsangja ps -a"),
        ("Names and states as JSON.", "sangja ps -a --format json"),
    ]),
    ("inspect", &[
        ("Show a container or an image as JSON.", "sangja inspect web"),
        ("One field with a Go template.", "sangja inspect --format '{{.State.Status}}' web"),
    ]),
    ("image", &[("List images; remove one.", "sangja image ls\nsangja image rm docker.io/library/alpine")]),
    ("container", &[("List all containers; remove the stopped ones.", "sangja container ls -a\nsangja container prune")]),
    ("container ls", &[("List all containers.", "sangja container ls -a")]),
    ("container prune", &[("Remove every container that is not running.", "sangja container prune")]),
    ("info", &[
        ("Show the host, the store and the configuration in effect.", "sangja info"),
        ("One value with a Go template.", "sangja info --format '{{.Store.GraphRoot}}'"),
    ]),
    ("login", &[
        ("Log in to a registry, reading the password from a file.", "sangja login -u me --password-stdin quay.io < token.txt"),
    ]),
    ("logout", &[("Forget the credentials of a registry; of all of them.", "sangja logout quay.io\nsangja logout --all")]),
    ("version", &[
        ("Show the version, the commit and the build.", "sangja version"),
        ("Only the version number.", "sangja version --format '{{.Client.Version}}'"),
    ]),
    ("volume", &[("Create a volume and use it.", "sangja volume create data\nsangja run --rm -v data:/data docker.io/library/alpine touch /data/x")]),
    ("volume create", &[("Create a named volume with a label.", "sangja volume create --label team=web data")]),
    ("volume ls", &[("List volumes; only their names.", "sangja volume ls\nsangja volume ls -q")]),
    ("volume inspect", &[("Show a volume as JSON.", "sangja volume inspect data")]),
    ("volume rm", &[("Remove a volume; with -f also when containers use it.", "sangja volume rm data\nsangja volume rm -f data")]),
    ("volume prune", &[
        ("Remove every volume no container uses.", "sangja volume prune"),
        ("Without asking, keeping those labelled keep.", "sangja volume prune -f --filter label!=keep"),
    ]),
    ("volume exists", &[("Create a volume only if it is missing.", "sangja volume exists data || sangja volume create data")]),
    ("import", &[("Make an image of a tarball.", "sangja import rootfs.tar localhost/mybase:1")]),
    ("unshare", &[
        ("Open a shell in sangja's user namespace (rootless).", "sangja unshare"),
        ("See the ids of the namespace.", "sangja unshare cat /proc/self/uid_map"),
    ]),
    ("system", &[("Show the disk space used.", "sangja system df")]),
    ("system df", &[("Show the disk space used by images, containers and volumes.", "sangja system df")]),
    ("system check", &[
        ("Check the store; exit 125 if something is damaged.", "sangja system check"),
        ("Remove what is damaged or orphaned, and the containers of damaged images too.", "sangja system check --repair --force"),
        ("Report layers no image uses as soon as they are 10 minutes old.", "sangja system check --max 10m"),
    ]),
    ("system prune", &[
        ("Remove stopped containers, unused networks and dangling images without asking.", "sangja system prune -f"),
        ("Also every unused image and volume.", "sangja system prune -a --volumes"),
    ]),
    ("system reset", &[("Remove every container, image, volume and network, and the store.", "sangja system reset -f")]),
    ("image prune", &[
        ("Remove dangling images.", "sangja image prune -f"),
        ("Remove every image no container uses, created over a day ago.", "sangja image prune -a --filter until=24h"),
    ]),
    ("attach", &[("Attach to a running container's terminal; detach with ctrl-p ctrl-q.", "sangja attach web")]),
    ("generate", &[("Write a systemd unit for a container.", "sangja generate systemd --new --name --files web")]),
    ("generate systemd", &[
        ("A unit that creates the container at start and removes it at stop, written to a file.", "sangja generate systemd --new --name --files web"),
        ("Install it as a user unit and start it.", "mv container-web.service ~/.config/systemd/user/\nsystemctl --user daemon-reload\nsystemctl --user enable --now container-web.service"),
    ]),
    ("network", &[("Create a network and run two containers on it.", "sangja network create net1\nsangja run -d --name db --network net1 docker.io/library/redis\nsangja run --rm --network net1 docker.io/library/alpine ping -c1 db")]),
    ("network create", &[
        ("Create a bridge network with a subnet of its own.", "sangja network create --subnet 10.89.5.0/24 net1"),
        ("A network whose containers reach only each other.", "sangja network create --internal backend"),
    ]),
    ("network ls", &[("List networks; only their names.", "sangja network ls\nsangja network ls --format '{{.Name}}'")]),
    ("network inspect", &[("Show a network as JSON.", "sangja network inspect net1")]),
    ("network rm", &[("Remove a network; with -f also its containers.", "sangja network rm net1\nsangja network rm -f net1")]),
    ("network prune", &[("Remove every network no container uses.", "sangja network prune -f")]),
    ("network exists", &[("Create a network only if it is missing.", "sangja network exists net1 || sangja network create net1")]),
    ("network connect", &[("Connect a container to a network, with another name there.", "sangja network connect --alias cache net1 web")]),
    ("network disconnect", &[("Disconnect a container from a network.", "sangja network disconnect net1 web")]),
    ("completion", &[
        ("Load completion into the running bash.", "source <(sangja completion bash)"),
        ("Install for zsh and fish.", "sangja completion zsh > ~/.zfunc/_sangja\nsangja completion fish > ~/.config/fish/completions/sangja.fish"),
    ]),
];

/// The top-level command a group's command spells differently.
fn alias_of(path: &[String]) -> Option<&'static str> {
    match path.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["image", "ls"] => Some("images"),
        ["image", "rm"] => Some("rmi"),
        ["image", "pull"] => Some("pull"),
        ["image", "inspect"] => Some("inspect"),
        ["image", "import"] => Some("import"),
        ["container", "inspect"] => Some("inspect"),
        _ => None,
    }
}

/// The examples for the page of `path` ([] for sangja itself).
pub fn for_command(path: &[String]) -> Vec<(String, String)> {
    let full = path.join(" ");
    let lookup = |key: &str| EXAMPLES.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let owned = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    if let Some(v) = lookup(&full) {
        return owned(v);
    }
    // `container rm` shows `rm`'s examples spelled `sangja container rm`.
    let short = alias_of(path).map(String::from).or_else(|| (path.len() == 2 && path[0] == "container").then(|| path[1].clone()));
    if let Some(short) = short {
        if let Some(v) = lookup(&short) {
            let from = format!("sangja {short}");
            let to = format!("sangja {full}");
            return v.iter().map(|(a, b)| (a.to_string(), b.replace(&from, &to))).collect();
        }
    }
    vec![("Show every flag of the command.".to_string(), format!("sangja {full} --help"))]
}
