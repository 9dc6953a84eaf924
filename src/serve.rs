//! `gongwen serve`: `output/` over HTTP on localhost, with live reload.
//!
//! The reload script is added to HTML pages as they are served, never to
//! the files: it asks `/__gongwen/version` every second and reloads the page
//! when a build has finished since the page was served.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::thread;
use std::time::Duration;

use anyhow::{anyhow, Result};
use percent_encoding::percent_decode_str;
use regex::Regex;

/// Where the script asks for the build count.
pub const VERSION_PATH: &str = "/__gongwen/version";

/// Counts finished builds; pages reload when it moves.
#[derive(Debug, Clone, Default)]
pub struct Version(Arc<AtomicU64>);

impl Version {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Serves `output` on 127.0.0.1:`port` (0: any free port); returns the address.
///
/// A thread a connection, one request a connection (`Connection: close`),
/// by hand over `httparse`: tiny_http 0.12 handed a new connection to its
/// thread pool only when a thread was free, and could leave it queued
/// behind connections a browser kept open idle, so that a page hung until
/// Chromium let one go (five minutes). A preview server on localhost needs
/// no keep-alive.
pub fn start(output: &Path, port: u16, version: Version) -> Result<std::net::SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| anyhow!("cannot serve on port {port}: {e}\n  help: give another port with --port, or --port 0 for any free one"))?;
    let addr = listener.local_addr()?;
    let output = output.to_path_buf();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (output, version) = (output.clone(), version.clone());
            thread::spawn(move || {
                // A client that went away is no concern of the server's.
                let _ = serve_connection(stream, &output, &version);
            });
        }
    });
    Ok(addr)
}

/// What a request is answered with.
struct Reply {
    status: u16,
    content_type: &'static str,
    /// `no-store` for the build count, `no-cache` for files.
    cache: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            cache: "no-store",
            body: text.as_bytes().to_vec(),
        }
    }
}

/// The most a request's head may take: a browser's fits in a few KB.
const MAX_HEAD: usize = 64 * 1024;

/// Reads one request from `stream`, answers it, and closes.
fn serve_connection(
    mut stream: TcpStream,
    output: &Path,
    version: &Version,
) -> std::io::Result<()> {
    // A client that connects and says nothing does not keep a thread forever.
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let head = read_head(&mut stream)?;
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let (reply, with_body) = match request.parse(&head) {
        Ok(httparse::Status::Complete(_)) => match request.method {
            Some("GET") => (respond(request.path.unwrap_or("/"), output, version), true),
            Some("HEAD") => (respond(request.path.unwrap_or("/"), output, version), false),
            _ => (Reply::text(405, "method not allowed"), true),
        },
        _ => (Reply::text(400, "bad request"), true),
    };
    write_reply(&mut stream, &reply, with_body)
}

/// The request's head: its bytes up to the blank line after the headers.
fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    Ok(head)
}

fn write_reply(stream: &mut TcpStream, reply: &Reply, with_body: bool) -> std::io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len(),
        reply.cache
    );
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(&reply.body)?;
    }
    stream.flush()
}

fn respond(url: &str, output: &Path, version: &Version) -> Reply {
    let url = url.split(['?', '#']).next().unwrap_or("/");
    if url == VERSION_PATH {
        return Reply::text(200, &version.get().to_string());
    }
    let Some(path) = file_for(output, url) else {
        return Reply::text(404, "not found");
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return Reply::text(404, "not found");
    };
    let content_type = content_type(&path);
    let body = if content_type.starts_with("text/html") {
        with_reload_script(&String::from_utf8_lossy(&bytes), version.get()).into_bytes()
    } else {
        bytes
    };
    Reply {
        status: 200,
        content_type,
        cache: "no-cache",
        body,
    }
}

/// The file a URL path names inside `output`; nothing outside it (no `..`, no absolute parts).
pub fn file_for(output: &Path, url: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(url).decode_utf8().ok()?;
    let mut path = output.to_path_buf();
    for part in Path::new(decoded.trim_start_matches('/')).components() {
        match part {
            // Never the build's own files (.gongwen.state, a scratch folder…).
            Component::Normal(p) if p.to_string_lossy().starts_with('.') => return None,
            Component::Normal(p) => path.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if held_back_folder_of_old(output, &path) {
        return None;
    }
    if path.is_dir() {
        path.push("index.html");
    }
    path.is_file().then_some(path)
}

/// Whether `path` is in `output/restricted/`, where an earlier gongwen put
/// the PDFs of held-back letters: the next build moves them out, and until
/// then they are not served. (With a `letters/restricted/` folder, that
/// name holds published letters.)
fn held_back_folder_of_old(output: &Path, path: &Path) -> bool {
    let old = output.join("restricted");
    let published = output.parent().is_some_and(|root| {
        root.join(crate::project::LETTERS)
            .join("restricted")
            .is_dir()
    });
    path.starts_with(&old) && !published
}

fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The page with the live-reload script before its `</body>` (or at its end).
/// The pages forbid scripts and requests in their Content-Security-Policy;
/// the served copy lets this one script (by its nonce) ask this server.
pub fn with_reload_script(html: &str, version: u64) -> String {
    let nonce = format!("{:016x}", RandomState::new().build_hasher().finish());
    let html = allow_reload_script(html, &nonce);
    let script = format!(
        "<script nonce=\"{nonce}\">/* gongwen serve: live reload */(function(){{var seen=\"{version}\";\
         function poll(){{fetch(\"{VERSION_PATH}\",{{cache:\"no-store\"}})\
         .then(function(r){{return r.text();}})\
         .then(function(v){{if(v!==seen){{location.reload();}}else{{setTimeout(poll,1000);}}}})\
         .catch(function(){{setTimeout(poll,1000);}});}}\
         setTimeout(poll,1000);}})();</script>"
    );
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    format!("{}{script}{}", &html[..at], &html[at..])
}

static META: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<meta\b[^>]*>").unwrap());
static CSP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)http-equiv\s*=\s*["']?content-security-policy"#).unwrap());
static CONTENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)(\bcontent\s*=\s*")([^"]*)(")"#).unwrap());

/// Every CSP `<meta>` of the page, widened by the script's nonce and requests to this server.
fn allow_reload_script(html: &str, nonce: &str) -> String {
    META.replace_all(html, |tag: &regex::Captures| {
        let tag = &tag[0];
        if !CSP.is_match(tag) {
            return tag.to_string();
        }
        CONTENT
            .replace(tag, |c: &regex::Captures| {
                let policy = with_source(&c[2], "script-src", &format!("'nonce-{nonce}'"));
                let policy = with_source(&policy, "connect-src", "'self'");
                format!("{}{policy}{}", &c[1], &c[3])
            })
            .into_owned()
    })
    .into_owned()
}

/// `policy` with `source` added to `directive` (which is made when missing).
fn with_source(policy: &str, directive: &str, source: &str) -> String {
    let mut found = false;
    let mut parts: Vec<String> = policy
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let name = p.split_whitespace().next().unwrap_or("");
            if name.eq_ignore_ascii_case(directive) {
                found = true;
                // 'none' cannot stand beside a source.
                let kept: Vec<&str> = p
                    .split_whitespace()
                    .filter(|s| !s.eq_ignore_ascii_case("'none'"))
                    .collect();
                format!("{} {source}", kept.join(" "))
            } else {
                p.to_string()
            }
        })
        .collect();
    if !found {
        parts.push(format!("{directive} {source}"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_stay_inside_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(out.join("2024")).unwrap();
        std::fs::write(out.join("index.html"), "i").unwrap();
        std::fs::write(out.join("2024/关于.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        assert_eq!(file_for(&out, "/"), Some(out.join("index.html")));
        assert_eq!(
            file_for(&out, "/2024/%E5%85%B3%E4%BA%8E.html"),
            Some(out.join("2024/关于.html"))
        );
        assert_eq!(file_for(&out, "/../secret"), None);
        assert_eq!(file_for(&out, "/%2e%2e/secret"), None);
        assert_eq!(file_for(&out, "/2024/missing.html"), None);
        for f in [".gongwen.state", "restricted/2024/secret.pdf"] {
            std::fs::create_dir_all(out.join(f).parent().unwrap()).unwrap();
            std::fs::write(out.join(f), "s").unwrap();
            assert_eq!(file_for(&out, &format!("/{f}")), None, "{f}");
        }
        // Unless restricted/ is a folder of letters, published.
        std::fs::create_dir_all(dir.path().join("letters/restricted")).unwrap();
        assert!(file_for(&out, "/restricted/2024/secret.pdf").is_some());
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = with_reload_script("<html><body><p>x</p></BODY></html>", 7);
        assert!(
            page.starts_with("<html><body><p>x</p><script nonce="),
            "{page}"
        );
        assert!(page.ends_with("</script></BODY></html>"), "{page}");
        assert!(page.contains("var seen=\"7\""), "{page}");
        assert!(page.contains("<script nonce=\""), "{page}");
        assert!(with_reload_script("<p>x</p>", 0).ends_with("</script>"));
    }

    #[test]
    fn the_page_policy_lets_this_script_in_and_nothing_else() {
        let page = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; style-src 'self'\"><meta name=\"viewport\" content=\"width=device-width\">";
        assert_eq!(
            allow_reload_script(page, "n0"),
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self' 'nonce-n0'; style-src 'self'; connect-src 'self'\"><meta name=\"viewport\" content=\"width=device-width\">"
        );
        assert_eq!(
            with_source(
                "default-src 'none'; connect-src 'none'",
                "script-src",
                "'nonce-x'"
            ),
            "default-src 'none'; connect-src 'none'; script-src 'nonce-x'"
        );
        assert_eq!(
            with_source("connect-src 'none'", "connect-src", "'self'"),
            "connect-src 'self'"
        );
    }
}
