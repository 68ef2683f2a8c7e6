//! The web application through real HTTP: the `kaoping serve` binary on a
//! random loopback port, driven by reqwest (`api`, and `routes`, which
//! walks every route with every role) and by headless
//! Chromium over WebDriver (`browser`).

mod api;
mod apply;
mod browser;
mod cdp;
mod field;
mod field_files;
mod field_offline;
mod flow;
mod inspection;
mod integrity;
mod levels;
mod limits;
mod ofd_download;
mod offline_browser;
mod offline_update;
mod phases;
mod plans;
mod rectify;
mod routes;
mod security;
mod street;
mod survey;
mod survey_more;
pub mod util;
