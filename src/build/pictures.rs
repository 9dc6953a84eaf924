//! The index's pictures of first pages, drawn as their PDFs land and the
//! last of them while the index is written: drawing comes after all else
//! one letter's rebuild waits for.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};

use std::thread::JoinHandle;

use super::letter::Picture;
use crate::diagnostic::Diagnostics;
use crate::thumbnail::Faces;

/// The drawing thread, and the way to hand it pictures.
pub struct Pictures {
    to_draw: Sender<Picture>,
    drawing: JoinHandle<Vec<Diagnostics>>,
}

impl Pictures {
    /// Starts drawing on `pool`, beside the letters' chunks, with the
    /// `faces` the first picture reads.
    pub fn start(
        pool: Arc<rayon::ThreadPool>,
        faces: impl FnOnce() -> Faces + Send + 'static,
    ) -> Pictures {
        let (to_draw, pictures) = channel::<Picture>();
        let drawing = std::thread::spawn(move || {
            let undrawn = Mutex::new(Vec::new());
            let mut pictures = pictures.into_iter().peekable();
            // (No fonts are read for a build that draws nothing.)
            let faces = match pictures.peek() {
                Some(_) => faces(),
                None => Faces::default(),
            };
            // Waiting for the next picture happens here, never on the
            // pool's threads, which the chunks need.
            pool.in_place_scope(|s| {
                for picture in pictures {
                    let (undrawn, faces) = (&undrawn, &faces);
                    s.spawn(move |_| {
                        if let Err(problems) = picture.draw(faces) {
                            undrawn.lock().expect("not poisoned").push(problems);
                        }
                    });
                }
            });
            undrawn.into_inner().expect("not poisoned")
        });
        Pictures { to_draw, drawing }
    }

    pub fn draw(&self, picture: Option<Picture>) {
        if let Some(picture) = picture {
            // The drawing thread lives until `finish`.
            let _ = self.to_draw.send(picture);
        }
    }

    /// Waits for the last pictures; the problems of those not drawn.
    pub fn finish(self) -> impl Iterator<Item = super::Failure> {
        drop(self.to_draw);
        let undrawn = self.drawing.join().expect("drawing does not panic");
        undrawn.into_iter().map(|problems| super::Failure {
            problems,
            stale: false,
        })
    }
}
