//! The index's pictures of first pages, drawn as their PDFs land and the
//! last of them while the index is written: drawing comes after all else
//! one letter's rebuild waits for.

use std::path::PathBuf;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};

use std::thread::JoinHandle;

use super::cache::Hash;
use super::letter::Picture;
use crate::thumbnail::Faces;

/// The drawing thread, and the way to hand it pictures.
pub struct Pictures {
    to_draw: Sender<Picture>,
    drawing: JoinHandle<Drawn>,
}

/// What the drawing came to: the problems of the pictures not drawn, and
/// the keys read as the others were drawn, by letter.
#[derive(Default)]
pub struct Drawn {
    pub undrawn: Vec<super::Failure>,
    pub keys: Vec<(PathBuf, Hash)>,
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
            let drawn = Mutex::new(Drawn::default());
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
                    let (drawn, faces) = (&drawn, &faces);
                    s.spawn(move |_| {
                        let outcome = picture.draw(faces);
                        let mut drawn = drawn.lock().expect("not poisoned");
                        match outcome {
                            Ok(Some(key)) => drawn.keys.push((picture.source, key)),
                            Ok(None) => {}
                            Err(problems) => drawn.undrawn.push(super::Failure {
                                problems,
                                stale: false,
                            }),
                        }
                    });
                }
            });
            drawn.into_inner().expect("not poisoned")
        });
        Pictures { to_draw, drawing }
    }

    pub fn draw(&self, picture: Option<Picture>) {
        if let Some(picture) = picture {
            // The drawing thread lives until `finish`.
            let _ = self.to_draw.send(picture);
        }
    }

    /// Waits for the last pictures.
    pub fn finish(self) -> Drawn {
        drop(self.to_draw);
        self.drawing.join().expect("drawing does not panic")
    }
}
