//! Ctrl+C (SIGINT) and SIGTERM around work that must finish once it is
//! committed. Issuing a document registers its number and then writes the
//! PDF and says so; an interrupt between the two would leave a number
//! without its file. So the library calls [`hold`] just before it
//! commits (the log record of a number, the rename of an export), and
//! from then on an interrupt only marks itself pending; the command
//! finishes — files written, message printed — and [`settle`], called when
//! the command is over, stops the process. An interrupt before the commit
//! stops the process at once, and nothing was committed.
//!
//! Only a program that opts in with [`enable`] (the `kaoping` command)
//! watches signals; in the web server, which shuts down gracefully on its
//! own, [`hold`] does nothing.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit status of a process stopped by an interrupt (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

/// A clean-up to run when an interrupt stops the process.
type Cleanup = Box<dyn FnOnce() + Send>;

struct State {
    /// A committed piece of work is being delivered.
    held: bool,
    /// An interrupt arrived while held.
    pending: bool,
    /// The watcher thread is running.
    watching: bool,
    /// Run (once) when an interrupt stops the process.
    cleanups: Vec<Cleanup>,
}

static STATE: Mutex<State> = Mutex::new(State {
    held: false,
    pending: false,
    watching: false,
    cleanups: Vec::new(),
});

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Opts this process in: from now on [`hold`] defers interrupts.
pub fn enable() {
    ENABLED.store(true, Ordering::SeqCst);
}

/// Marks the start of delivering committed work: an interrupt from now
/// until [`settle`] waits for it. Call just before the commit.
pub fn hold() {
    if !ENABLED.load(Ordering::SeqCst) {
        return;
    }
    watch();
    if let Ok(mut s) = STATE.lock() {
        s.held = true;
    }
}

/// The committed work is delivered: an interrupt that arrived meanwhile
/// stops the process now.
pub fn settle() {
    let pending = match STATE.lock() {
        Ok(mut s) => {
            s.held = false;
            std::mem::take(&mut s.pending)
        }
        Err(_) => false,
    };
    if pending {
        eprintln!("已中断：中断前已开始的登记已经完成，文件已写出。");
        stop();
    }
}

/// Runs `cleanup` if an interrupt stops the process before its work was
/// committed (e.g. removing an unfinished temporary file, giving back
/// reserved numbers), and starts watching for interrupts; does nothing in
/// a program that did not opt in with [`enable`].
pub fn on_stop(cleanup: impl FnOnce() + Send + 'static) {
    if !ENABLED.load(Ordering::SeqCst) {
        return;
    }
    if let Ok(mut s) = STATE.lock() {
        s.cleanups.push(Box::new(cleanup));
    }
    watch();
}

/// Stops the process (its clean-ups, if any were due, have run).
fn stop() -> ! {
    std::process::exit(EXIT_INTERRUPTED)
}

/// An interrupt arrived: stop, or mark it pending while held.
fn interrupted() {
    let held = match STATE.lock() {
        Ok(mut s) if s.held => {
            if !s.pending {
                eprintln!("已收到中断信号：正在完成已开始的登记和写出文件，完成后停止……");
            }
            s.pending = true;
            true
        }
        _ => false,
    };
    if held {
        return;
    }
    let cleanups = match STATE.lock() {
        Ok(mut s) => std::mem::take(&mut s.cleanups),
        Err(_) => Vec::new(),
    };
    for c in cleanups {
        c();
    }
    // A commit that began while a clean-up waited for the writer lock is
    // delivered first: the interrupt waits for it like any other.
    if let Ok(mut s) = STATE.lock()
        && s.held
    {
        s.pending = true;
        return;
    }
    stop();
}

/// Starts (once) the thread that receives SIGINT and SIGTERM, and waits
/// until it does.
fn watch() {
    match STATE.lock() {
        Ok(mut s) if !s.watching => s.watching = true,
        _ => return,
    }
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                let _ = ready_tx.send(());
                return;
            };
            rt.block_on(listen(ready_tx));
        });
    if spawned.is_ok() {
        // The handlers are in place before the caller goes on.
        let _ = ready_rx.recv();
    }
}

#[cfg(unix)]
async fn listen(ready: std::sync::mpsc::Sender<()>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        let _ = ready.send(());
        return;
    };
    let _ = ready.send(());
    loop {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        interrupted();
    }
}

#[cfg(not(unix))]
async fn listen(ready: std::sync::mpsc::Sender<()>) {
    let _ = ready.send(());
    while tokio::signal::ctrl_c().await.is_ok() {
        interrupted();
    }
}
