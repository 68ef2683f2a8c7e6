//! Giving memory back to the system once a burst of uploads is over.
//!
//! Fifty uploads at once run on as many threads; glibc's allocator keeps
//! each thread's freed memory in its own arena and does not return it, so
//! the server's resident memory stayed near the burst's peak long after
//! (measured in BENCHMARKS.md). When the last upload under way ends, the
//! free pages of every arena are handed back with `malloc_trim`. No crate
//! wraps this one glibc call safely, hence the single `unsafe` below.

/// How long the server's idle worker threads live (their thread-local
/// buffers go with them); memory is handed back after that.
pub const THREAD_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(1);

/// Called when the last upload under way has ended: once the threads the
/// burst started have gone, and if no new upload began meanwhile, gives
/// the memory back (on a thread of its own).
pub fn after_burst(state: super::AppState) {
    std::thread::spawn(move || {
        std::thread::sleep(THREAD_KEEP_ALIVE * 2);
        if state.0.uploads.idle() {
            give_back();
        }
    });
}

/// Returns the allocator's free memory to the system (glibc only; a no-op
/// elsewhere).
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim has no preconditions; it only releases free
    // memory the allocator holds and is safe to call from any thread.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}
