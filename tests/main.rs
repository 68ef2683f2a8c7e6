//! kaoping's integration tests: one test binary (the library and Typst are
//! linked once), one module per area. Every test drives the real `kaoping`
//! binary in its own temporary folder.

mod archive;
mod batch;
mod cli;
mod distributed;
mod documents_layout;
mod engines;
mod field;
mod limits;
mod ofd;
mod ofd_layout;
mod ofd_signed;
mod records;
mod render;
mod signatures;
mod util;
mod web;
mod workbooks;
