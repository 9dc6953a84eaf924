//! The stylesheet and the web fonts, next to the pages.

use anyhow::Result;

use super::cache::{self, fingerprint, Entries, Globals, State};
use super::Site;
use crate::output;
use crate::project::OUTPUT;
use crate::templates;
use crate::webfonts;

impl Site {
    /// The characters of the site's pages: the letters' fields and text, as
    /// the index keeps them, and the templates' and the site title's own.
    pub(super) fn characters(&self, entries: &Entries) -> webfonts::Characters {
        let pages = entries
            .values()
            .map(|e| vec![&e.listing[..], &e.search[..]]);
        let title = self.config.site_title.as_deref().unwrap_or_default();
        let t = &self.templates;
        let shared = [
            &t.index_source[..],
            &t.letter_source[..],
            &t.search[..],
            title.as_bytes(),
        ];
        webfonts::characters(pages, &shared)
    }

    /// `style.css` and the web fonts: made again only when the fonts or the
    /// site's characters changed, or a file of them is missing.
    pub(super) fn write_assets(&self, state: &mut State, globals: &Globals) -> Result<()> {
        let assets = self.root.join(OUTPUT).join("assets");
        output::write_if_changed(&assets.join(templates::STYLE), &self.templates.style)?;
        let key = cache::web_fonts_key(&globals.fonts, &state.site_chars);
        let whole = assets.join(webfonts::CSS).is_file()
            && state
                .web_font_files
                .iter()
                .all(|f| assets.join(f).is_file());
        if state.web_fonts != Some(key) || !whole {
            let sources = webfonts::sources(&self.font_dirs, |i, file| {
                let known = state.font_files.get(&fingerprint::font_key(i, file));
                known.and_then(|f| f.hash)
            });
            state.web_font_files = webfonts::write(
                &assets,
                &sources,
                &state.site_chars,
                &mut state.web_font_coverage,
            )?;
            state.web_fonts = Some(key);
        }
        Ok(())
    }
}
