//! The events of a body as gongwen keeps them.

use std::path::PathBuf;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{cjk_emphasis, images, is_safe_link, Source};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// What each event of a body goes through: the sentinel of mended emphasis
/// taken out, links kept only when safe, images resolved inside the project
/// (a problem with one noted, and the image kept as written).
pub struct Screen<'s> {
    source: &'s Source<'s>,
    pub diagnostics: Diagnostics,
    pub images: Vec<PathBuf>,
    /// For each open link: whether it was kept (its end must match).
    links: Vec<bool>,
}

impl<'s> Screen<'s> {
    pub fn new(source: &'s Source<'s>) -> Self {
        Screen {
            source,
            diagnostics: Diagnostics::default(),
            images: Vec::new(),
            links: Vec::new(),
        }
    }

    /// The event as the body keeps it, or `None` when it is left out;
    /// `line` is where it stands, for a message.
    pub fn pass<'e>(&mut self, event: Event<'e>, line: impl Fn() -> usize) -> Option<Event<'e>> {
        Some(match event {
            Event::Text(t) if t.contains(cjk_emphasis::SENTINEL) => {
                Event::Text(t.replace(cjk_emphasis::SENTINEL, "").into())
            }
            Event::Start(Tag::Link {
                dest_url,
                title,
                id,
                link_type,
            }) => {
                let keep = is_safe_link(&dest_url);
                self.links.push(keep);
                keep.then_some(Event::Start(Tag::Link {
                    dest_url,
                    title,
                    id,
                    link_type,
                }))?
            }
            Event::End(TagEnd::Link) => self
                .links
                .pop()
                .unwrap_or(false)
                .then_some(Event::End(TagEnd::Link))?,
            Event::Start(Tag::Image {
                dest_url,
                title,
                id,
                link_type,
            }) => Event::Start(Tag::Image {
                dest_url: self.image(dest_url, line),
                title,
                id,
                link_type,
            }),
            other => other,
        })
    }

    /// An image's path as the body links it: its project path when it
    /// resolves, else as written (and the problem noted).
    fn image<'e>(&mut self, dest_url: CowStr<'e>, line: impl Fn() -> usize) -> CowStr<'e> {
        match images::resolve(self.source.root, self.source.file, &dest_url) {
            Ok(path) => {
                let url = crate::project::url(&path);
                self.images.push(path);
                url.into()
            }
            Err(problem) => {
                self.diagnostics.push(
                    Diagnostic::new(self.source.file, problem.to_string())
                        .at(Some(line()), None)
                        .help(problem.help()),
                );
                dest_url
            }
        }
    }
}
