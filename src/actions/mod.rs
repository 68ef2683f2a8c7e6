//! The actions layer: every user action is one function here, called the
//! same way by the CLI and by the web. An action takes the writer lock
//! when it writes, loads what it needs, checks the caller's role and
//! scope through [`crate::scope`], calls the domain and returns a typed
//! outcome for the front end to present. The front ends (`src/cli`,
//! `src/web`) only parse input, call an action and show its result: they
//! take no lock, build no event and decide no rule.
//!
//! Each area has its own file; [`context`] holds what every action is
//! given ([`Ctx`]) and [`error`] the error every action returns.

pub mod accounts;
pub mod apply;
pub mod assess;
pub mod community;
pub mod context;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod experts;
pub mod field;
pub mod field_sync;
pub mod inspection;
pub mod keys;
pub mod maintenance;
pub mod office;
pub mod phases;
pub mod plans;
pub mod records;
pub mod rectify;
pub mod session;
pub mod street;
pub mod submissions;
pub mod survey;
pub mod survey_link;
pub mod survey_report;
pub mod units;
pub mod verify_doc;

pub use context::{Caller, Ctx, Wait};
pub use error::ActionError;
