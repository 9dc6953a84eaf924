//! The stylesheet and the web fonts, next to the pages.

use anyhow::Result;

use super::cache::{self, fingerprint, Globals, Merged, State};
use super::Site;
use crate::index;
use crate::output;
use crate::project::OUTPUT;
use crate::templates;
use crate::webfonts;

/// A letter's page, as the index keeps its text.
fn page(e: &index::Entry) -> Vec<&[u8]> {
    vec![&e.listing[..], &e.search[..]]
}

impl Site {
    /// The characters of the site's pages: the letters' fields and text, as
    /// the index keeps them, and the templates' and the site title's own.
    /// The pages are counted again only where they changed, when the counts
    /// kept are those of the very entries the last build left (their hash,
    /// `merged.old_pages`); otherwise all of them.
    pub(super) fn characters(&self, state: &mut State, merged: &Merged) -> webfonts::Characters {
        let kept = (state.page_counts.take())
            .filter(|(of, _)| *of == merged.old_pages && !merged.reloaded);
        let counts = match kept {
            Some((_, mut counts)) => {
                for e in &merged.gone {
                    counts.remove(&page(e));
                }
                for e in merged.came.iter().filter_map(|p| merged.entries.get(p)) {
                    counts.add(&page(e));
                }
                counts
            }
            None => webfonts::PageCounts::of(merged.entries.values().map(page)),
        };
        let title = self.config.site_title.as_deref().unwrap_or_default();
        let t = &self.templates;
        let shared = [
            &t.index_source[..],
            &t.letter_source[..],
            &t.search[..],
            title.as_bytes(),
        ];
        let chars = counts.characters(&shared);
        let pages = cache::listed_pages_hash(&state.letters, &merged.entries);
        state.page_counts = Some((pages, counts));
        chars
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
