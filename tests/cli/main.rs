//! Whole-binary tests: the real `sangja`, run as a user runs it, rootless (as
//! the test user `sangjatest`) and as root, against the local registry that
//! tests/setup.sh starts on 127.0.0.1:5000. Each test has its own store, so
//! they run in parallel.
//!
//!     bash tests/setup.sh && cargo test --release
//!
//! Run as root: the tests switch users themselves. Run as another user, the
//! root tests are skipped (with a message) and the rootless ones run as you.

#[macro_use]
mod util;
mod fake_registry;
mod json;
mod process;

mod bad_images;
mod config;
mod crash;
mod format;
mod images;
mod layers;
mod lifecycle;
mod logs;
mod network;
mod networks;
mod ps_rm;
mod rootless;
mod run;
mod volumes;
// issue 3, part B
mod attach;
mod drivers;
mod exec;
mod fuse;
mod resources;
mod security;
mod tty;
mod userns;
// issue 8: completions, man pages, packaging
mod completion;
mod docs;
mod package;
// issue 8: systemd
mod systemd;
// issue 15: snapshots of the outputs scripts parse
mod outputs;
// issue 17: image verbs and manifest lists (share-verbs)
mod image_verbs;
mod manifest;
// issue 18: build
mod build;
// issue 17: save, load, archive transports
mod archive;
// issue 16: system check, prune, reset
mod check;
// issue 19: podman's command line as scripts use it
mod parity;
// issue 17: push
mod push;
// issue 19: run/create flags (runflags)
mod runflags;
// issue 19: run/create behaviours as podman's (parity2: --attach, --requires, --image-volume...)
mod parity_run;
// issue 19: verbs (events, secrets, healthcheck, init, volume export/import, update)
mod events;
// issue 19: podman's behaviour and messages, what a container sees, selection flags (behave)
mod behave;
mod healthcheck;
mod secrets;
mod verbs;
// issue 20: the Docker-compatible API service
mod api;
// issue 20: the service and docker CLI the API tests share
mod api_service;
// issue 20: the API's image, build, volume and network endpoints (api-objects)
mod api_objects;
// issue 20: exec, commit, export, diff, update through the API (api-exec)
mod api_exec;
// issue 20: docker cp (/containers/{id}/archive) and system df through the API (api-archive)
mod api_archive;
// issue 20: docker-compose, docker-py and socket activation against the API (api-compose)
mod api_compose;
