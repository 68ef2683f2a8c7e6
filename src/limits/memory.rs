//! The memory budget's one rule kept here: memory goes back to the system
//! only once no upload is under way.

use std::collections::HashMap;
use std::sync::Mutex;

/// Whether no upload is under way in `busy` (uploads per account).
pub fn idle(busy: &Mutex<HashMap<String, usize>>) -> bool {
    busy.lock().map(|busy| busy.is_empty()).unwrap_or(false)
}
