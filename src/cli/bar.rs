//! The terminal progress bar: implements the library's `Meter` trait
//! with indicatif on stderr, shown only when stderr is a terminal and the
//! phase is long enough to be worth a bar.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use kaoping::meter::{Meter, Slot, Unit};

/// Phases smaller than this get no bar.
const MIN_BYTES: u64 = 64 << 20;
const MIN_ITEMS: u64 = 50;

/// A progress bar on stderr.
#[derive(Default)]
pub struct Bar {
    bar: Slot<ProgressBar>,
}

impl Meter for Bar {
    fn start(&self, phase: &str, total: u64, unit: Unit) {
        let long = match unit {
            Unit::Bytes => total >= MIN_BYTES,
            Unit::Items => total >= MIN_ITEMS,
        };
        if !long || !std::io::stderr().is_terminal() {
            return;
        }
        let template = match unit {
            Unit::Bytes => "{msg} [{bar:30}] {bytes}/{total_bytes}（{bytes_per_sec}，还需 {eta}）",
            Unit::Items => "{msg} [{bar:30}] {pos}/{len}（还需 {eta}）",
        };
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(phase.to_string());
        self.bar.set(bar);
    }

    fn advance(&self, n: u64) {
        self.bar.with(|bar| bar.inc(n));
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
