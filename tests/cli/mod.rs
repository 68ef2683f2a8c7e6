//! Integration tests that drive the real `kaoping` binary. One test binary,
//! one module per area; every test works in its own temporary folder.

mod apply;
mod catalog;
mod concurrency;
mod documents;
mod flow;
mod full_disk;
mod init;
mod inspection;
mod integrity;
mod levels;
pub mod phases;
mod plans;
mod rectify;
mod register;
mod rough_edges;
mod street;
mod survey;
mod survey_more;
mod units;
mod user;
pub mod util;
