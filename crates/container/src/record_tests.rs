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
        "cannot remove container 0123456789ab as it is running - running or paused containers cannot be removed without force: container state improper"
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

/// A store in a temp folder, removed when dropped.
struct TempStore(std::path::PathBuf, StorePaths);
impl Drop for TempStore {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn temp_store(tag: &str) -> TempStore {
    let dir = std::env::temp_dir().join(format!("sangja-ctrstore-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let paths = StorePaths::new(Some(dir.join("root")), Some(dir.join("run")), None).unwrap();
    paths.ensure().unwrap();
    TempStore(dir, paths)
}

fn config_named(id: &str, name: &str) -> ContainerConfig {
    ContainerConfig {
        id: id.into(),
        name: name.into(),
        image_id: String::new(),
        image_name: String::new(),
        command: Vec::new(),
        created: now(),
        options: RunOptions::default(),
    }
}

#[test]
fn a_state_write_after_delete_finds_the_container_gone() {
    // Issue 16: rm -f moved the folder away while a monitor was about to
    // record the exit; the write must neither fail with "create .tmp-...:
    // No such file" nor put a file into the folder being deleted.
    let t = temp_store("gone");
    let store = ContainerStore::new(&t.1);
    let mut c = store.create(config_named(&"a".repeat(64), "a")).unwrap();
    let mut monitor_view = c.clone();
    monitor_view.state.status = Status::Running;
    monitor_view.state.pid = Some(std::process::id() as i32);
    store.delete(&c).unwrap();
    assert!(matches!(monitor_view.mark_exited(0), Err(Error::ContainerNotFound(_))));
    assert!(matches!(c.mark_stopped_by_user(), Err(Error::ContainerNotFound(_))));
    assert!(!c.dir.exists());
    assert!(crate::paths::entry_names(&t.1.tmp_dir()).unwrap().iter().all(|n| !n.starts_with("rm-ctr")), "deleted");
}

#[test]
fn damaged_records_hide_no_other_container() {
    let t = temp_store("damaged");
    let store = ContainerStore::new(&t.1);
    let (a, b, c) = ("a".repeat(64), "b".repeat(64), "c".repeat(64));
    store.create(config_named(&a, "alpha")).unwrap();
    store.create(config_named(&b, "beta")).unwrap();
    store.create(config_named(&c, "gamma")).unwrap();
    // An empty config (power cut before fsync), garbage in a state.
    fs::write(t.1.containers_dir().join(&a).join("config.json"), "").unwrap();
    fs::write(t.1.containers_dir().join(&b).join("state.json"), "\0\0garbage").unwrap();
    let (good, bad) = store.list_all().unwrap();
    assert_eq!(good.iter().map(|c| c.config.name.as_str()).collect::<Vec<_>>(), ["gamma"]);
    assert_eq!(bad.len(), 2);
    let beta = bad.iter().find(|d| d.id == b).expect("beta listed as damaged");
    assert_eq!(beta.name.as_deref(), Some("beta"));
    assert!(beta.warning().contains("sangja rm -f beta") && beta.warning().contains("system check --repair"), "{}", beta.warning());
    let alpha = bad.iter().find(|d| d.id == a).expect("alpha listed as damaged");
    assert!(alpha.warning().contains(&format!("sangja rm -f {a}")), "{}", alpha.warning());
    // Names of the others stay checked; a new container can be created.
    assert!(store.create(config_named(&"d".repeat(64), "gamma")).is_err());
    store.create(config_named(&"d".repeat(64), "delta")).unwrap();
    // Looking a damaged one up names the fix; rm -f's path removes it.
    let e = store.lookup("beta").unwrap_err().to_string();
    assert!(e.contains("sangja rm -f beta"), "{e}");
    let d = store.lookup_damaged(&a[..12]).unwrap().expect("by id prefix");
    store.delete_damaged(&d).unwrap();
    assert!(!t.1.containers_dir().join(&a).exists());
}

#[test]
fn an_unfinished_create_is_listed_apart_and_removable() {
    let t = temp_store("incomplete");
    let store = ContainerStore::new(&t.1);
    let id = "e".repeat(64);
    let c = store.begin_create(config_named(&id, "half")).unwrap();
    store.make_folders(&c).unwrap();
    assert!(store.list().unwrap().is_empty(), "no config.json: not a container yet");
    let inc = store.incomplete().unwrap();
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0].0, id);
    assert_eq!(inc[0].1.as_ref().map(|c| c.name.as_str()), Some("half"));
    // The name is free again once it is undone.
    store.delete_incomplete(&id).unwrap();
    assert!(store.incomplete().unwrap().is_empty());
    let c = store.begin_create(config_named(&id, "half")).unwrap();
    store.make_folders(&c).unwrap();
    store.commit_create(&c).unwrap();
    assert!(!c.dir.join(CREATING).exists());
    assert_eq!(store.list().unwrap().len(), 1);
    // A whole container is never removed as unfinished.
    store.delete_incomplete(&id).unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
}
