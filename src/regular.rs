//! Reading the project's own files (letters, `gongwen.yaml`, templates,
//! fonts, images) only when they are regular files. Opening a named pipe
//! for reading waits for a writer that may never come, and a device may
//! never end: such a file is reported, never read.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// What a file that is not a regular file is, in a message; `None` for a
/// regular file or a folder.
pub fn odd_kind(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_block_device() || kind.is_char_device() {
            return Some("a device file");
        }
    }
    Some("not a regular file")
}

/// The error for a file that is not a regular file.
fn not_regular(kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {kind}, not a regular file; it is not read"),
    )
}

/// The file's bytes, when it is a regular file (after symlinks). It is
/// opened without waiting (a pipe opens at once that way) and checked on
/// the open handle, so a file swapped for a pipe after a check is not read
/// either.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    if let Some(kind) = std::fs::metadata(path).ok().as_ref().and_then(odd_kind) {
        return Err(not_regular(kind));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let mut file: File = options.open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = odd_kind(&meta) {
        return Err(not_regular(kind));
    }
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder",
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_is_refused_at_once_and_a_file_read() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("p.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap();
        assert!(made.success());
        let e = read(&pipe).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a named pipe (FIFO), not a regular file; it is not read"
        );
        let e = read(Path::new("/dev/null")).unwrap_err();
        assert!(e.to_string().starts_with("it is a device file"), "{e}");
        std::fs::write(dir.path().join("a.md"), "x").unwrap();
        assert_eq!(read(&dir.path().join("a.md")).unwrap(), b"x");
    }
}
