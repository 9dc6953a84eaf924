//! What a build shows while it runs: a progress bar on a terminal, and
//! with `GONGWEN_TIMINGS=1` the time of each stage.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub fn progress_bar(len: u64, wanted: bool) -> ProgressBar {
    let target = if wanted {
        // Hidden by indicatif itself when stderr is not a terminal.
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} letters, {eta} left")
            .expect("a valid template"),
    );
    bar
}

/// `GONGWEN_TIMINGS=1`: how long each stage of a build took, on stderr.
pub struct Laps(Option<std::time::Instant>);

impl Laps {
    pub fn new() -> Laps {
        Laps(std::env::var_os("GONGWEN_TIMINGS").map(|_| std::time::Instant::now()))
    }

    pub fn lap(&mut self, stage: &str) {
        if let Some(start) = &mut self.0 {
            eprintln!(
                "timing: {stage}: {:.1} ms",
                start.elapsed().as_secs_f64() * 1000.0
            );
            *start = std::time::Instant::now();
        }
    }
}
