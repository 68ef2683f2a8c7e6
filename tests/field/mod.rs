//! 实地考评 and 网络（媒体）调查 evidence: points, on-site photos with
//! their EXIF and flags, visits that become the level sheets, scanned
//! forms, media captures, grid-platform data, the field form PDF — through
//! the real binary (`cli`) and real HTTP (`web`).

mod cli;
mod reflag;
pub mod util;
