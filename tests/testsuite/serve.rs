//! `gongwen watch` and `gongwen serve` running as a user runs them: a save
//! makes a new build, and the server hands out the new page, with the
//! live-reload script that only the server adds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// The running command, stopped when the test ends however it ends.
struct Running {
    child: Child,
    log: std::path::PathBuf,
}

impl Running {
    fn start(project: &Project, args: &[&str]) -> Running {
        let log = project.root().join("gongwen.log");
        let child = Command::new(env!("CARGO_BIN_EXE_gongwen"))
            .args(args)
            .arg("--root")
            .arg(project.root())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the gongwen binary runs");
        Running { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `check` to give a value; the deadline only keeps a broken build from hanging the test.
fn wait_for<T>(what: &str, running: &Running, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "gave up waiting for {what}; log:\n{}",
            running.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A one-letter project.
fn project() -> Project {
    let project = Project::fixture("check");
    for f in ["b-writing.md", "c-invalid.md"] {
        std::fs::remove_file(project.root().join("letters").join(f)).unwrap();
    }
    project
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from));
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// `GET path` over plain HTTP/1.1: the status code and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    try_get(addr, path).unwrap_or_else(|| panic!("no answer from {addr} for {path}"))
}

fn try_get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    // Chromium's DevTools keeps the connection open: stop at Content-Length, never wait forever.
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).ok()?;
        bytes.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&bytes);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            });
            if n == 0 || length.is_some_and(|len| body.len() >= len) {
                let status = head.split(' ').nth(1)?.parse().ok()?;
                return Some((status, body.to_string()));
            }
        } else if n == 0 {
            return None;
        }
    }
}

#[test]
fn watch_rebuilds_on_a_save_of_a_letter_and_of_the_config() {
    let project = project();
    let running = Running::start(&project, &["watch"]);
    let page = project.output("a-clean.html");
    let index = project.output("index.html");
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    wait_for("the first build", &running, || {
        read(&page).filter(|t| t.contains("关于银川市申请调整耕地保护目标的复函"))
    });
    // Let the watcher start before saving: the first build's status line says it has.
    wait_for("watching", &running, || {
        running.log().contains("watching").then_some(())
    });

    edit(
        &project.root().join("letters/a-clean.md"),
        "申请调整耕地保护目标的复函",
        "申请核减耕地保护目标的复函",
    );
    wait_for("the letter rebuilt", &running, || {
        read(&page).filter(|t| t.contains("关于银川市申请核减耕地保护目标的复函"))
    });
    // The config is read again: the index shows the new site title.
    edit(
        &project.root().join("gongwen.yaml"),
        "site_title: 某厅 公文",
        "site_title: 改过的标题",
    );
    wait_for("the config read again", &running, || {
        read(&index).filter(|t| t.contains("改过的标题"))
    });
}

#[test]
fn serve_hands_out_the_rebuilt_page_with_live_reload_only_over_http() {
    let project = project();
    let built = gongwen(project.root(), &["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let mut running = Running::start(&project, &["serve", "--port", "0"]);
    let addr = served_address(&mut running);

    // Pages built before are served at once, while the first build runs.
    let (status, first) = get(&addr, "/a-clean.html");
    assert_eq!(status, 200);
    assert!(
        first.contains("关于银川市申请调整耕地保护目标的复函"),
        "{first}"
    );
    assert!(
        first.contains("/__gongwen/version"),
        "the live-reload script is served"
    );
    let on_disk = std::fs::read_to_string(project.output("a-clean.html")).unwrap();
    assert!(
        !on_disk.contains("__gongwen"),
        "the built file has no script"
    );
    let (_, index) = get(&addr, "/");
    assert!(index.contains("a-clean.html"), "{index}");
    assert_eq!(get(&addr, "/missing.html").0, 404);
    assert_eq!(get(&addr, "/../gongwen.yaml").0, 404);

    wait_for("watching", &running, || {
        running.log().contains("watching").then_some(())
    });
    let (_, before) = get(&addr, "/__gongwen/version");
    edit(
        &project.root().join("letters/a-clean.md"),
        "申请调整耕地保护目标的复函",
        "申请核减耕地保护目标的复函",
    );
    wait_for("the rebuilt page served", &running, || {
        Some(get(&addr, "/a-clean.html"))
            .filter(|(_, body)| body.contains("关于银川市申请核减耕地保护目标的复函"))
    });
    let after = wait_for("the build count to move", &running, || {
        Some(get(&addr, "/__gongwen/version").1).filter(|v| *v != before)
    });
    assert!(after.parse::<u64>().unwrap() > before.parse::<u64>().unwrap());
}

/// The address of the server that `serve` printed.
fn served_address(running: &mut Running) -> String {
    let mut line = String::new();
    BufReader::new(running.child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .strip_prefix("serving output/ at http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("no address in {line:?}; log:\n{}", running.log()))
        .to_string()
}

/// Headless Chromium showing one page, stopped when the test ends.
struct Browser {
    child: Child,
    profile: tempfile::TempDir,
}

impl Browser {
    fn open(url: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(CHROMIUM)
            .args(CHROMIUM_FLAGS)
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium runs (apt-get install chromium)");
        Browser { child, profile }
    }

    /// The titles of the pages open, as the DevTools endpoint lists them.
    fn titles(&self) -> Option<String> {
        let port = std::fs::read_to_string(self.profile.path().join("DevToolsActivePort")).ok()?;
        let port = port.lines().next()?.trim().to_string();
        try_get(&format!("127.0.0.1:{port}"), "/json/list").map(|(_, json)| json)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_open_page_reloads_itself_in_a_real_browser() {
    let project = project();
    let mut running = Running::start(&project, &["serve", "--port", "0"]);
    let addr = served_address(&mut running);
    wait_for("watching", &running, || {
        running.log().contains("watching").then_some(())
    });

    // The page's own policy forbids scripts; the server must let its one script through.
    let browser = Browser::open(&format!("http://{addr}/a-clean.html"));
    wait_for("the page in the browser", &running, || {
        browser
            .titles()
            .filter(|t| t.contains("关于银川市申请调整耕地保护目标的复函"))
    });
    edit(
        &project.root().join("letters/a-clean.md"),
        "申请调整耕地保护目标的复函",
        "申请核减耕地保护目标的复函",
    );
    wait_for("the browser to reload the page", &running, || {
        browser
            .titles()
            .filter(|t| t.contains("关于银川市申请核减耕地保护目标的复函"))
    });
}

#[test]
fn serve_never_hands_out_held_back_pdfs() {
    let project = project();
    project.write(
        "letters/secret.md",
        letter("关于机密事项的函", "2024-05-02", "机密正文。")
            .replace("date:", "secrecy: 秘密★1年\ndate:"),
    );
    // Where an earlier gongwen put held-back PDFs: there before serve starts.
    project.write("output/restricted/secret.pdf", "an old held-back PDF");
    let mut running = Running::start(&project, &["serve", "--port", "0"]);
    let addr = served_address(&mut running);
    assert_eq!(get(&addr, "/restricted/secret.pdf").0, 404);

    wait_for("the first build", &running, || {
        running.log().contains("watching").then_some(())
    });
    assert!(project.root().join("restricted/secret.pdf").is_file());
    assert!(!project.output("restricted").exists());
    for path in [
        "/restricted/secret.pdf",
        "/secret.pdf",
        "/secret.html",
        "/.gongwen.state",
    ] {
        assert_eq!(get(&addr, path).0, 404, "{path}");
    }
    assert_eq!(get(&addr, "/a-clean.html").0, 200);
}

/// A browser keeps a few connections open after their pages came, and
/// opens several more at once for a page's files: every request on every
/// connection is answered, however many wait idle (a server whose threads
/// all sat on idle connections left a page loading until Chromium let one
/// go, five minutes later).
#[test]
fn a_request_is_answered_while_other_connections_sit_idle() {
    let project = Project::with_letters(&[(
        "2024/a.md",
        &letter("关于甲事的函", "2024-03-01", "甲事正文。"),
    )]);
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let site = project.output("").canonicalize().unwrap();
    let answered = |stream: &mut TcpStream| {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut first = [0u8; 12];
        stream.read_exact(&mut first).is_ok() && first.starts_with(b"HTTP/1.1 200")
    };
    for round in 0..10 {
        let addr = gongwen::serve::start(&site, 0, gongwen::serve::Version::default()).unwrap();
        let request = format!("GET /index.html HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        // Connections a browser keeps open, idle, after their page came.
        let mut idle = Vec::new();
        for _ in 0..3 {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            assert!(answered(&mut stream));
            idle.push(stream);
        }
        // Then several new ones at once, as for a page's stylesheet and fonts.
        let mut burst: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(addr).unwrap()).collect();
        for stream in &mut burst {
            stream.write_all(request.as_bytes()).unwrap();
        }
        for (i, stream) in burst.iter_mut().enumerate() {
            assert!(
                answered(stream),
                "round {round}: connection {i} had no answer"
            );
        }
    }
}
