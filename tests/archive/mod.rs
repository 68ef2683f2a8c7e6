//! Integration tests of the evidence archive: each drives the real
//! `kaoping` binary in its own temp directory, on folders and ZIP files
//! the test builds.

mod bag;
mod community;
mod corpus;
mod crash;
mod fixture;
mod ingest;
mod util;
mod verify;
mod zips;
