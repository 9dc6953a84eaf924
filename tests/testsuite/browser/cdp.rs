//! Headless Chromium driven over the DevTools protocol, through the pipe
//! that `--remote-debugging-pipe` opens on file descriptors 3 (commands in)
//! and 4 (replies and events out), each message JSON ending in a NUL byte.
//! Only what the site's tests need: open a page, run an expression, and see
//! every request the page made and every error it logged.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long one reply may take before the test gives up: a hung browser, not
/// a slow one. CI once took over a minute to load the 10,000-letter index
/// with the rest of the suite running beside it.
const PATIENCE: Duration = Duration::from_secs(300);

pub use crate::common::{CHROMIUM, CHROMIUM_FLAGS as FLAGS};

pub struct Browser {
    child: Child,
    commands: File,
    messages: Receiver<Value>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

/// One tab, and everything it has reported since it was opened.
pub struct Tab {
    session: String,
    pub events: Vec<Value>,
}

impl Browser {
    pub fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (commands_out, commands) = pipe();
        let (replies, replies_in) = pipe();
        let (r, w) = (commands_out.as_raw_fd(), replies_in.as_raw_fd());
        let mut cmd = Command::new(CHROMIUM);
        cmd.args(FLAGS)
            .args(["--remote-debugging-pipe", "--window-size=1280,900"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only fcntl and dup2, which are async-signal-safe, run between fork and exec.
        // The pipes may themselves be 3 or 4, so they are first moved out of the way.
        unsafe {
            cmd.pre_exec(move || {
                let (r, w) = (
                    libc::fcntl(r, libc::F_DUPFD, 10),
                    libc::fcntl(w, libc::F_DUPFD, 10),
                );
                if r < 0 || w < 0 || libc::dup2(r, 3) < 0 || libc::dup2(w, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot run {CHROMIUM} ({e}); install it: apt-get install chromium")
        });
        drop((commands_out, replies_in));

        let (send, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(replies);
            let mut buf = Vec::new();
            while reader.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                buf.pop();
                if let Ok(v) = serde_json::from_slice::<Value>(&buf) {
                    if send.send(v).is_err() {
                        break;
                    }
                }
                buf.clear();
            }
        });
        Browser {
            child,
            commands,
            messages,
            next_id: 0,
            _profile: profile,
        }
    }

    /// Sends a command and waits for its reply; events that come meanwhile go to `tab`.
    pub fn call(&mut self, mut tab: Option<&mut Tab>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(t) = &tab {
            message["sessionId"] = t.session.clone().into();
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands
            .write_all(&bytes)
            .expect("chromium takes commands");
        loop {
            let m = self.receive(method);
            if m["id"] == id {
                if let Some(e) = m.get("error") {
                    panic!("{method}: {e}");
                }
                return m["result"].clone();
            }
            self.file(tab.as_deref_mut(), m);
        }
    }

    fn receive(&mut self, waiting_for: &str) -> Value {
        self.messages
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|e| panic!("chromium did not answer {waiting_for}: {e}"))
    }

    fn file(&self, tab: Option<&mut Tab>, m: Value) {
        if let Some(t) = tab {
            if m["sessionId"] == t.session.as_str() {
                t.events.push(m);
            }
        }
    }

    /// A new tab, with the network, console and page events switched on.
    /// `javascript: false` opens it as a reader who turned JavaScript off.
    pub fn tab(&mut self, javascript: bool) -> Tab {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let mut tab = Tab {
            session: attached["sessionId"].as_str().unwrap().to_string(),
            events: Vec::new(),
        };
        for domain in ["Page", "Network", "Log", "Runtime"] {
            self.call(Some(&mut tab), &format!("{domain}.enable"), json!({}));
        }
        if !javascript {
            self.call(
                Some(&mut tab),
                "Emulation.setScriptExecutionDisabled",
                json!({"value": true}),
            );
        }
        tab
    }

    /// Opens `url` in `tab` and waits for its load event; forgets earlier events.
    pub fn open(&mut self, tab: &mut Tab, url: &str) {
        tab.events.clear();
        let nav = self.call(Some(tab), "Page.navigate", json!({"url": url}));
        assert!(nav.get("errorText").is_none(), "{url}: {nav}");
        while !tab
            .events
            .iter()
            .any(|e| e["method"] == "Page.loadEventFired")
        {
            let m = self.receive("Page.loadEventFired");
            self.file(Some(tab), m);
        }
    }

    /// The value of a JavaScript expression in the page (run by DevTools, so
    /// it works in a tab with JavaScript turned off too).
    pub fn eval(&mut self, tab: &mut Tab, expression: &str) -> Value {
        let r = self.call(
            Some(tab),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Evaluates `expression` until it is truthy: for what a page's script
    /// does after the load event. Gives up after a generous bound.
    pub fn wait_for(&mut self, tab: &mut Tab, expression: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(tab, expression);
            if !(v.is_null() || v == false || v == "") {
                return v;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "`{expression}` never became true"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Tab {
    /// Every URL the page asked for.
    pub fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .map(|e| e["params"]["request"]["url"].as_str().unwrap().to_string())
            .collect()
    }

    /// Console errors, script exceptions, blocked and failed loads (including
    /// what the Content-Security-Policy refused).
    /// The page's errors, leaving out files not found (a browser asks for
    /// its favicon.ico, which no site of gongwen has).
    pub fn errors_but_not_found(&self) -> Vec<String> {
        (self.errors().into_iter())
            .filter(|e| !e.contains("status of 404"))
            .collect()
    }

    pub fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| {
                let p = &e["params"];
                match e["method"].as_str()? {
                    "Log.entryAdded" if p["entry"]["level"] == "error" => {
                        Some(format!("{}: {}", p["entry"]["source"], p["entry"]["text"]))
                    }
                    "Runtime.exceptionThrown" => Some(p["exceptionDetails"].to_string()),
                    "Runtime.consoleAPICalled" if p["type"] == "error" => {
                        Some(p["args"].to_string())
                    }
                    "Network.loadingFailed" => Some(format!("load failed: {p}")),
                    _ => None,
                }
            })
            .collect()
    }
}

/// A pipe, (read end, write end), closed in children unless moved to 3 or 4.
fn pipe() -> (File, File) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills both descriptors, which nothing else owns.
    unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0, "pipe2");
        (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1]))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
