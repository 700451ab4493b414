//! The status machine and the one writer of state.json.

use super::*;
use std::sync::atomic::{AtomicU32, Ordering};

const ID: &str = "0123456789ab";

fn all() -> [Status; 4] {
    [Status::Created, Status::Running, Status::Paused, Status::Exited]
}

fn transitions() -> [Transition; 5] {
    [Transition::Start, Transition::Pause, Transition::Unpause, Transition::Exit, Transition::Remove]
}

#[test]
fn allowed_transitions() {
    use Status::*;
    use Transition::*;
    let allowed = [
        (Created, Start, Running),
        (Exited, Start, Running),
        (Running, Pause, Paused),
        (Paused, Unpause, Running),
        (Created, Exit, Exited),
        (Running, Exit, Exited),
        (Paused, Exit, Exited),
        (Created, Remove, Created),
        (Exited, Remove, Exited),
    ];
    for from in all() {
        for t in transitions() {
            let want = allowed.iter().find(|(f, tt, _)| *f == from && *tt == t).map(|(_, _, to)| *to);
            match (from.after(t, ID), want) {
                (Ok(to), Some(w)) => assert_eq!(to, w, "{from:?} --{t:?}->"),
                (Err(e), None) => {
                    assert_eq!(e.kind(), crate::error::ErrorKind::Conflict, "{from:?} --{t:?}-> {e}");
                    assert!(e.to_string().contains(ID), "{e}");
                }
                (got, want) => panic!("{from:?} --{t:?}->: got {got:?}, want {want:?}"),
            }
        }
    }
}

#[test]
fn refusals_in_podmans_words() {
    let msg = |from: Status, t| from.after(t, ID).unwrap_err().to_string();
    assert_eq!(msg(Status::Paused, Transition::Pause), "\"0123456789ab\" is already paused: container state improper");
    assert_eq!(msg(Status::Exited, Transition::Pause), "\"0123456789ab\" is not running, can't pause: container state improper");
    assert_eq!(msg(Status::Running, Transition::Unpause), "\"0123456789ab\" is not paused, can't unpause: container state improper");
    assert_eq!(
        msg(Status::Running, Transition::Start),
        "container 0123456789ab must be in Created or Stopped state to be started: container state improper"
    );
    assert_eq!(
        msg(Status::Paused, Transition::Remove),
        "cannot remove container 0123456789ab as it is running: stop it first or use rm -f"
    );
    // rm's exit status for a running container is podman's 2.
    assert_eq!(Status::Running.after(Transition::Remove, ID).unwrap_err().remove_exit_code(), 2);
}

fn container() -> Container {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("sangja-record-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create temp dir");
    let config = ContainerConfig {
        id: ID.into(),
        name: "t".into(),
        image_id: String::new(),
        image_name: String::new(),
        command: Vec::new(),
        created: now(),
        options: RunOptions::default(),
    };
    Container { config, state: ContainerState::default(), dir }
}

fn on_disk(c: &Container) -> ContainerState {
    json_file::read(&c.dir.join("state.json")).expect("read state.json")
}

#[test]
fn a_life_recorded() {
    let mut c = container();
    let me = std::process::id() as i32;
    c.mark_running(me, None, StartedBy::User).unwrap();
    let s = on_disk(&c);
    assert_eq!((s.status, s.pid, s.exit_code), (Status::Running, Some(me), None));
    assert!(s.pid_start.is_some() && s.started_at.is_some() && s.finished_at.is_none());

    c.mark_paused("/nonexistent/freezer".into()).unwrap();
    assert_eq!(on_disk(&c).status, Status::Paused);
    assert_eq!(on_disk(&c).freezer.as_deref(), Some("/nonexistent/freezer"));
    c.mark_unpaused().unwrap();
    assert_eq!(on_disk(&c).status, Status::Running);

    c.mark_stopped_by_user().unwrap();
    assert!(on_disk(&c).stopped_by_user);
    c.mark_exited(137).unwrap();
    let s = on_disk(&c);
    assert_eq!((s.status, s.pid, s.exit_code), (Status::Exited, None, Some(137)));
    assert!(s.finished_at.is_some() && s.monitor_pid.is_none() && s.stopped_by_user);

    // The policy's restart is counted and keeps the user's stop mark; the
    // user's start clears it.
    c.mark_running(me, Some(me), StartedBy::Policy).unwrap();
    let s = on_disk(&c);
    assert_eq!((s.restart_count, s.stopped_by_user, s.monitor_pid, s.exit_code), (1, true, Some(me), None));
    assert!(s.monitor_start.is_some());
    c.mark_exited(0).unwrap();
    c.mark_running(me, None, StartedBy::User).unwrap();
    let s = on_disk(&c);
    assert_eq!((s.restart_count, s.stopped_by_user), (1, false));

    c.mark_monitor(Some(me)).unwrap();
    assert_eq!(on_disk(&c).monitor_pid, Some(me));
    c.mark_monitor(None).unwrap();
    assert_eq!(on_disk(&c).monitor_pid, None);
    let _ = fs::remove_dir_all(&c.dir);
}

#[test]
fn a_refused_transition_writes_nothing() {
    let mut c = container();
    c.mark_running(std::process::id() as i32, None, StartedBy::User).unwrap();
    let before = fs::read(c.dir.join("state.json")).unwrap();
    let e = c.mark_unpaused().unwrap_err();
    assert_eq!(e.kind(), crate::error::ErrorKind::Conflict);
    let e = c.mark_running(1, None, StartedBy::User).unwrap_err();
    assert!(e.to_string().contains("must be in Created or Stopped state"), "{e}");
    assert_eq!(c.state.status, Status::Running);
    assert_eq!(fs::read(c.dir.join("state.json")).unwrap(), before);
    c.mark_exited(1).unwrap();
    assert!(c.mark_exited(2).is_err());
    assert_eq!(on_disk(&c).exit_code, Some(1));
    let _ = fs::remove_dir_all(&c.dir);
}
