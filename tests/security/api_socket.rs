//! The API service's socket (`system service`, issue 20) is a way into every
//! container of its user: it must be its user's only. The socket is bound
//! 0600 whatever folder it is put in; here a world-writable one, so only the
//! socket's own mode keeps another user (`sangjanosub`) out.

#[allow(unused_imports)]
use crate::util::*;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::{Duration, Instant};

/// `curl` of /_ping through `sock` as `user`: whether the service answered.
fn ping_as(user: &str, sock: &std::path::Path) -> bool {
    let out = Command::new("runuser")
        .args(["-u", user, "--", "curl", "-fsS", "--max-time", "5", "--unix-socket"])
        .arg(sock)
        .arg("http://d/_ping")
        .output()
        .expect("runuser curl");
    out.status.success() && out.stdout == b"OK"
}

both! {
    fn api_socket_is_its_users_only(s) {
        if !is_root() {
            return eprintln!("skipped: needs root to try the socket as another user");
        }
        let dir = std::env::temp_dir().join(format!("sangja-api-esc-{}-{}", std::process::id(), if s.is_rootless() { "user" } else { "root" }));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let sock = dir.join("api.sock");
        let uri = format!("unix://{}", sock.display());
        let _service = s.spawn(&["system", "service", "--time", "0", &uri]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !sock.exists() {
            assert!(Instant::now() < deadline, "the service did not listen on {}", sock.display());
            std::thread::sleep(Duration::from_millis(20));
        }
        let mode = std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the socket is its owner's only");
        let owner = if s.is_rootless() { "sangjatest" } else { "root" };
        assert!(ping_as(owner, &sock), "the service answers its own user");
        assert!(!ping_as("sangjanosub", &sock), "another user reached the API service of {owner}");
        drop(_service);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
