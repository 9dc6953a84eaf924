//! One module per subcommand; each is a thin handler over the library.

pub mod build;
pub mod check;
pub mod clean;
pub mod doctor;
pub mod init;
pub mod new;
pub mod rebuild;
pub mod serve;
pub mod ui;
pub mod watch;
