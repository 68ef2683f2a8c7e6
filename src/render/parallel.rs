//! Batch rendering on plain threads ([`par_map`]).
//!
//! Typst parallelises inside one document with rayon (layout, PDF
//! export). A rayon worker that waits for such inner work runs other
//! queued jobs on its own stack meanwhile, so a batch driven by a rayon
//! parallel iterator nests whole documents inside one another and, after
//! some hundred documents, overflows the worker's stack and aborts the
//! process. Plain threads block without taking other work: every document
//! starts on an empty stack, and the inner work still runs on rayon's pool.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack of each batch thread: room for deeply nested templates.
const STACK: usize = 16 << 20;

/// `f` over `items` on as many threads as rayon's pool has (the calling
/// thread is one of them unless it is a rayon worker), results in the
/// order of `items`. A panic in `f` is re-raised here.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = rayon::current_num_threads().clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    // A rayon worker calling this must not render itself (it would nest
    // documents again); any other caller takes part.
    let caller_works = rayon::current_thread_index().is_none();
    let spawned = if caller_works { threads - 1 } else { threads };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others.
        let handles: Vec<_> = (0..spawned)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut all = if caller_works || handles.is_empty() {
            work()
        } else {
            Vec::new()
        };
        for h in handles {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
