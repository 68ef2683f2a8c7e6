//! The `kaoping` command: parses arguments, dispatches to a subcommand,
//! prints the error chain in Chinese and sets the exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let code = match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => cli::report(&err),
    };
    // A Ctrl+C that arrived while an issued document was being written
    // out stops the program only now that it is.
    kaoping::interrupt::settle();
    code
}
