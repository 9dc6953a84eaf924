use anyhow::Result;

use crate::typst_cli::Typst;

/// Finds (or installs) typst and says which one gongwen will use.
pub fn run() -> Result<bool> {
    let typst = Typst::find_or_install()?;
    println!("typst: {} ({})", typst.program.display(), typst.version()?);
    Ok(true)
}
