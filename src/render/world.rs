//! The Typst `World` kaoping compiles in: one generated main source plus
//! the layout library, the shipped fonts, the document's date as `today()`,
//! and nothing else. Any other file (`read("/etc/passwd")`, `image(...)`,
//! packages) is an access error.
//!
//! Written by hand because no crate offers a sealed world: typst-kit and
//! the CLI's world read the file system and system fonts by design.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::Fonts;

/// Virtual path of the generated document source.
pub const MAIN_PATH: &str = "/main.typ";
/// Virtual path of the layout library (`templates/gongwen.typ`).
pub const LIBRARY_PATH: &str = "/gongwen.typ";

/// Interns a virtual project path.
pub fn file_id(path: &str) -> FileId {
    // Both paths are constants we control, so they are always valid.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("valid constant path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The standard library, built once per process.
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// One document's world: cheap to build (sources are shared, fonts are
/// process-wide).
pub struct DocWorld {
    /// The generated Typst source of the document.
    main: Source,
    /// The layout library source.
    library_source: Source,
    /// The document's date, returned by `today()`.
    date: NaiveDate,
}

impl DocWorld {
    /// A world for `main` (the generated source text) importing the given
    /// layout library source, dated `date`.
    pub fn new(main: String, library_source: Source, date: NaiveDate) -> Self {
        Self {
            main: Source::new(file_id(MAIN_PATH), main),
            library_source,
            date,
        }
    }

    /// The main source (for mapping diagnostics to lines).
    pub fn main_source(&self) -> &Source {
        &self.main
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &Fonts::get().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.library_source.id() {
            Ok(self.library_source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        Fonts::get().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.date.year(),
            u8::try_from(self.date.month()).ok()?,
            u8::try_from(self.date.day()).ok()?,
        )
    }
}
