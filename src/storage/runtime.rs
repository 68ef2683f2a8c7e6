//! The async runtime the bucket and database clients run on. The library
//! is synchronous (the CLI calls it directly, the web server from blocking
//! threads), so each call waits for its future on a small runtime of its
//! own; on a thread of the web server's runtime it first steps out of that
//! runtime (`block_in_place`), elsewhere it waits on a scoped thread.

use std::future::Future;
use std::sync::OnceLock;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        // Building a runtime only fails when the system refuses threads;
        // nothing can run then.
        #[allow(clippy::expect_used)]
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("kaoping-storage")
            .enable_all()
            .build()
            .expect("the storage runtime's threads could not be started")
    })
}

/// Runs `fut` to completion on the storage runtime and returns its output.
pub fn run<F>(fut: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Err(_) => runtime().block_on(fut),
        // A thread of the web server's runtime (a task or a blocking
        // thread): it steps out of that runtime while it waits.
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(|| runtime().block_on(fut)),
        // Any other runtime: wait on a thread of our own.
        Ok(_) => std::thread::scope(|s| {
            s.spawn(|| runtime().block_on(fut))
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        }),
    }
}

/// Starts `fut` on the storage runtime without waiting for it.
pub fn spawn<F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    runtime().spawn(fut);
}
