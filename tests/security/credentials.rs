//! Where credentials go (issue 14). A registry's 401 names a token realm; a
//! hostile or hijacked registry can name any URL there. Credentials never go
//! over plain HTTP to another host than the one the user marked insecure (an
//! https realm on another host is how Docker Hub works, and gets them, as
//! containers/image sends them), and `--creds` for one registry never go to a
//! mirror: a mirror gets only its own stored credentials.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;

use crate::bounds::registry::{Image, Request, Response, Server, Tar};
use crate::bounds::{run_env, write_conf};
use base64::Engine as _;
use std::path::Path;

const USER: &str = "alice";
const PASS: &str = "s3cret-pass";

fn basic() -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASS}")))
}

fn image() -> Image {
    Image::new(&[Tar::new().file("hello.txt", b"hello\n").finish()], 0)
}

/// A token service that hands a token to anyone, recording who sent what.
fn token_service() -> Server {
    Server::start(|_| Response::json(200, "{\"token\":\"stolen\"}"))
}

/// A registry whose every 401 names `realm` as its token service.
fn challenging(realm: String) -> Server {
    Server::start(move |_r: &Request| {
        Response::json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}")
            .with("WWW-Authenticate", &format!("Bearer realm=\"{realm}\",service=\"evil\""))
    })
}

#[track_caller]
fn assert_no_credentials(who: &Server, what: &str) {
    let leaked = who.authorized();
    assert!(leaked.is_empty(), "{what}: credentials reached 127.0.0.1:{}: {leaked:?}", who.port);
}

both! {
    /// A realm `http://127.0.0.1:OTHERPORT/token` gets no Authorization header
    /// from login, from pull --creds, nor from pull with stored credentials;
    /// each is refused with an error that says why.
    fn plain_http_realm_on_another_host_gets_nothing(s) {
        let thief = token_service();
        let reg = challenging(format!("http://{}/token", thief.host()));
        let authfile = s.dir.join("auth.json");
        let authfile = authfile.to_str().unwrap();

        let out = s.run(&["login", "--tls-verify=false", "--authfile", authfile, "-u", USER, "-p", PASS, &reg.host()]).code(125);
        out.stderr_has("plain HTTP").stderr_has(&thief.host());
        assert_no_credentials(&thief, "login");
        assert!(!Path::new(authfile).exists(), "nothing stored after a refused login");

        let img = format!("{}/private:latest", reg.host());
        let creds = format!("{USER}:{PASS}");
        let out = s.run(&["pull", "--tls-verify=false", "--creds", &creds, &img]).code(125);
        out.stderr_has("plain HTTP");
        assert_no_credentials(&thief, "pull --creds");

        let stored = write_conf(s, "stored-auth.json", &format!("{{\"auths\":{{\"{}\":{{\"auth\":\"{}\"}}}}}}", reg.host(), &basic()[6..]));
        let out = s.run(&["pull", "--tls-verify=false", "--authfile", stored.to_str().unwrap(), &img]).code(125);
        out.stderr_has("plain HTTP");
        assert_no_credentials(&thief, "pull with auth.json");
        assert!(!reg.requests().is_empty(), "the registry was asked");
    }
}

/// A registry that is its own token service on plain HTTP: the token for
/// the right Basic credentials, a 401 naming its own /token otherwise.
fn own_token_registry() -> Server {
    let img = image();
    let basic = basic();
    let realm = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let r2 = realm.clone();
    let server = Server::start(move |r: &Request| {
        let challenge = || {
            Response::json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}")
                .with("WWW-Authenticate", &format!("Bearer realm=\"{}\",service=\"own\"", r2.lock().unwrap()))
        };
        if r.path.starts_with("/token") {
            return if r.header("authorization") == Some(basic.as_str()) {
                Response::json(200, "{\"token\":\"good\"}")
            } else {
                Response::json(401, "{}")
            };
        }
        if r.header("authorization") != Some("Bearer good") {
            return challenge();
        }
        img.answer(r).unwrap_or_else(|| Response::json(404, "{}"))
    });
    *realm.lock().unwrap() = format!("http://{}/token", server.host());
    server
}

both! {
    /// The rule leaves the normal case alone: a plain-HTTP realm on the very
    /// host:port the user marked insecure gets the credentials, and pull and
    /// login work through it.
    fn realm_on_the_insecure_registry_itself_works(s) {
        let reg = own_token_registry();
        let authfile = s.dir.join("auth.json");
        s.ok(&["login", "--tls-verify=false", "--authfile", authfile.to_str().unwrap(), "-u", USER, "-p", PASS, &reg.host()]);
        s.ok(&["pull", "-q", "--tls-verify=false", "--creds", &format!("{USER}:{PASS}"), &format!("{}/private:latest", reg.host())]);
        s.run(&["pull", "-q", "--tls-verify=false", "--creds", &format!("{USER}:wrong"), &format!("{}/private:latest", reg.host())])
            .code(125)
            .stderr_has("unauthorized");
    }
}

/// A registry that wants Basic credentials, and serves the image to them.
fn basic_registry() -> Server {
    let img = image();
    let basic = basic();
    Server::start(move |r: &Request| {
        if r.header("authorization") != Some(basic.as_str()) {
            return Response::json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}")
                .with("WWW-Authenticate", "Basic realm=\"registry\"");
        }
        img.answer(r).unwrap_or_else(|| Response::json(404, "{}"))
    })
}

both! {
    /// A mirror in registries.conf that asks for Basic credentials gets none
    /// of the --creds meant for the registry the user named; the pull falls
    /// back to that registry, which gets them.
    fn creds_never_reach_a_mirror(s) {
        let mirror = Server::start(|_r: &Request| {
            Response::json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}")
                .with("WWW-Authenticate", "Basic realm=\"mirror\"")
        });
        let reg = basic_registry();
        let conf = write_conf(
            s,
            "registries.conf",
            &format!(
                "[[registry]]\nlocation = \"{}\"\ninsecure = true\n[[registry.mirror]]\nlocation = \"{}\"\ninsecure = true\n",
                reg.host(),
                mirror.host()
            ),
        );
        let creds = format!("{USER}:{PASS}");
        let img = format!("{}/private:latest", reg.host());
        run_env(s, &[("CONTAINERS_REGISTRIES_CONF", &conf)], &["pull", "-q", "--creds", &creds, &img]).ok();
        assert!(!mirror.requests().is_empty(), "the mirror was tried first");
        assert_no_credentials(&mirror, "pull --creds through a mirror");
        assert!(!reg.authorized().is_empty(), "the named registry got the credentials");
    }
}

both! {
    /// A token that expires mid-pull (Docker Hub's last 5 minutes) is
    /// replaced once, from the same realm and under the same rule.
    fn expired_token_is_renewed(s) {
        let img = image();
        let basic = basic();
        let issued = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let realm = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (i2, r2) = (issued.clone(), realm.clone());
        let reg = Server::start(move |r: &Request| {
            use std::sync::atomic::Ordering;
            if r.path.starts_with("/token") {
                if r.header("authorization") != Some(basic.as_str()) {
                    return Response::json(401, "{}");
                }
                let n = i2.fetch_add(1, Ordering::SeqCst) + 1;
                return Response::json(200, &format!("{{\"token\":\"t{n}\"}}"));
            }
            // The first token is good for the manifest only, then "expires".
            let current = format!("Bearer t{}", i2.load(Ordering::SeqCst));
            let fine = match r.header("authorization") {
                Some(a) if r.path.contains("/manifests/") => a.starts_with("Bearer t"),
                Some(a) => a == current && current != "Bearer t1",
                None => false,
            };
            if !fine {
                return Response::json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"expired\"}]}")
                    .with("WWW-Authenticate", &format!("Bearer realm=\"{}\",service=\"own\"", r2.lock().unwrap()));
            }
            img.answer(r).unwrap_or_else(|| Response::json(404, "{}"))
        });
        *realm.lock().unwrap() = format!("http://{}/token", reg.host());
        s.ok(&["pull", "-q", "--tls-verify=false", "--creds", &format!("{USER}:{PASS}"), &format!("{}/private:latest", reg.host())]);
        assert_eq!(issued.load(std::sync::atomic::Ordering::SeqCst), 2, "one token, then one renewal");
    }
}
