//! The rendering engine: data → minijinja template → Typst source → PDF/A-2b
//! in the GB/T 9704-2012 official layout, with Typst embedded in-process.
//!
//! ```no_run
//! use kaoping::render::{DocMeta, Engine};
//! # fn main() -> Result<(), kaoping::render::RenderError> {
//! let engine = Engine::new(None)?; // or Some(archive_root.templates_dir())
//! let meta = DocMeta {
//!     title: "关于……的通知".into(),
//!     author: "昆明市城乡社区治理工作领导小组办公室".into(),
//!     date: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
//! };
//! let data = serde_json::json!({ "title": "关于……的通知" /* … */ });
//! let pdf: Vec<u8> = engine.render("tongzhi", &data, &meta)?;
//! # Ok(()) }
//! ```
//!
//! An [`Engine`] is `Send + Sync`: share one across threads (e.g. with
//! rayon) to render a batch; fonts are parsed once per process and every
//! document gets its own sealed [`world::DocWorld`]. Same inputs give the
//! same PDF bytes: the creation date is the document's date, never the
//! clock.
//!
//! Modules: [`templates`] (built-ins and office overrides), [`escape`]
//! (injection safety), [`fonts`] (the shipped fonts), [`world`] (the Typst
//! world), [`glyphs`] (missing-glyph checks), [`diagnostics`] (Typst errors
//! in Chinese), [`error`].

pub mod diagnostics;
pub mod error;
pub mod escape;
pub mod fonts;
pub mod glyphs;
pub mod ofd;
pub mod parallel;
pub mod templates;
pub mod world;

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use typst::foundations::{Datetime, Smart};
use typst::syntax::Source;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use error::RenderError;
pub use templates::{cn_date, parse_date};

use world::{DocWorld, LIBRARY_PATH, file_id};

/// Memoized Typst results unused for this many renders are dropped, so
/// memory stays flat across a batch while the layout library stays cached.
const EVICT_AGE: usize = 8;

/// Document metadata written into the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocMeta {
    /// Document title.
    pub title: String,
    /// Author: the issuing organ(s).
    pub author: String,
    /// The document's date (成文日期): PDF creation date and Typst's
    /// `today()`.
    pub date: NaiveDate,
}

/// Renders documents from templates; see the module documentation.
pub struct Engine {
    templates: templates::Templates,
    library: Source,
    library_use: templates::TemplateUse,
    keys: Option<crate::sign::Keyring>,
    /// Whether issuing writes an OFD too.
    ofd: bool,
}

impl Engine {
    /// An engine using the built-in templates, overridden by files of the
    /// same name in `override_dir` (the archive's `templates/` folder) when
    /// given. A missing folder simply means no overrides.
    pub fn new(override_dir: Option<&Path>) -> Result<Self, RenderError> {
        let templates = templates::Templates::new(override_dir);
        let (text, origin) = templates.library()?;
        let library_use = templates::TemplateUse {
            name: templates::LIBRARY.to_string(),
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes())),
            origin,
        };
        let library = Source::new(file_id(LIBRARY_PATH), text);
        Ok(Self {
            templates,
            library,
            library_use,
            keys: None,
            ofd: false,
        })
    }

    /// The engine of an archive: its templates, and its organs' keys, with
    /// which every document it issues is signed.
    pub fn for_archive(root: &Path, config: &crate::config::Config) -> Result<Self, RenderError> {
        let mut engine = Engine::new(Some(&root.join("templates")))?;
        engine.keys = Some(crate::sign::Keyring::new(root, config));
        engine.ofd = config.documents.writes_ofd();
        Ok(engine)
    }

    /// Whether documents issued through this engine get an OFD beside
    /// the PDF (`[documents] formats`, or [`Engine::set_ofd`]).
    pub fn writes_ofd(&self) -> bool {
        self.ofd
    }

    /// Issue documents with (or without) an OFD beside the PDF,
    /// whatever the archive's setting.
    pub fn set_ofd(&mut self, ofd: bool) {
        self.ofd = ofd;
    }

    /// The keys issued documents are signed with (none for an engine
    /// that only renders).
    pub fn keys(&self) -> Option<&crate::sign::Keyring> {
        self.keys.as_ref()
    }

    /// The templates a document of `template` was rendered from: the
    /// document template, what it includes and the layout library, each
    /// with its hash and origin. Call after rendering it.
    pub fn templates_used(
        &self,
        template: &str,
    ) -> Result<Vec<templates::TemplateUse>, RenderError> {
        let file = self.templates.file_name(template)?;
        let mut used = self.templates.used(&file);
        used.push(self.library_use.clone());
        used.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(used)
    }

    /// Names of the available document templates.
    pub fn template_names(&self) -> Vec<String> {
        self.templates.names()
    }

    /// The Typst source a template produces for `data` (for inspection and
    /// tests); `render` compiles exactly this.
    pub fn source<T: Serialize + ?Sized>(
        &self,
        template: &str,
        data: &T,
        meta: &DocMeta,
    ) -> Result<String, RenderError> {
        let file = self.templates.file_name(template)?;
        let data = to_json(data)?;
        glyphs::check_data(&data)?;
        self.generate(&file, &data, meta)
    }

    fn generate(
        &self,
        file: &str,
        data: &serde_json::Value,
        meta: &DocMeta,
    ) -> Result<String, RenderError> {
        let body = self.templates.render(file, data)?;
        // The metadata goes in as escaped string literals on line 1.
        Ok(format!(
            "#set document(title: {}, author: ({},))\n{body}",
            escape::str_literal(&meta.title),
            escape::str_literal(&meta.author),
        ))
    }

    /// Renders `template` with `data` into PDF/A-2b bytes.
    pub fn render<T: Serialize + ?Sized>(
        &self,
        template: &str,
        data: &T,
        meta: &DocMeta,
    ) -> Result<Vec<u8>, RenderError> {
        let result = self.render_inner(template, data, meta);
        comemo::evict(EVICT_AGE);
        result
    }

    /// Renders `template` with `data` once and writes the layout in each
    /// of `formats` (PDF/A-2b, OFD); the files show the same pages.
    pub fn render_as<T: Serialize + ?Sized>(
        &self,
        template: &str,
        data: &T,
        meta: &DocMeta,
        formats: Formats,
    ) -> Result<Rendered, RenderError> {
        self.render_signed_as(template, data, meta, formats, &[])
    }

    /// [`Engine::render_as`] with the OFD signed by each of `ofd_keys`
    /// (the PDF is signed afterwards, by [`crate::sign::Keyring::sign_pdf`]).
    pub fn render_signed_as<T: Serialize + ?Sized>(
        &self,
        template: &str,
        data: &T,
        meta: &DocMeta,
        formats: Formats,
        ofd_keys: &[crate::sign::OrganKey],
    ) -> Result<Rendered, RenderError> {
        let result = self.compile(template, data, meta).and_then(|done| {
            let pdf = match formats.pdf {
                true => Some(done.pdf(meta)?),
                false => None,
            };
            let ofd = match formats.ofd {
                true => Some(ofd::write_signed(&done.document, meta, ofd_keys)?),
                false => None,
            };
            Ok(Rendered { pdf, ofd })
        });
        comemo::evict(EVICT_AGE);
        result
    }

    fn render_inner<T: Serialize + ?Sized>(
        &self,
        template: &str,
        data: &T,
        meta: &DocMeta,
    ) -> Result<Vec<u8>, RenderError> {
        self.compile(template, data, meta)?.pdf(meta)
    }

    /// The laid-out pages of `template` with `data`.
    fn compile<T: Serialize + ?Sized>(
        &self,
        template: &str,
        data: &T,
        meta: &DocMeta,
    ) -> Result<Compiled, RenderError> {
        let file = self.templates.file_name(template)?;
        let data = to_json(data)?;
        glyphs::check_data(&data)?;
        let source = self.generate(&file, &data, meta)?;
        let world = DocWorld::new(source, self.library.clone(), meta.date);
        let compiled = typst::compile::<PagedDocument>(&world);
        if let Some(family) = diagnostics::unknown_family(&compiled.warnings) {
            return Err(RenderError::UnknownFont {
                template: file,
                family,
            });
        }
        // Page numbers and the 版记 placement depend on introspection; a
        // layout that did not settle could print them wrongly.
        if compiled
            .warnings
            .iter()
            .any(|w| w.message.contains("did not converge"))
        {
            return Err(RenderError::Typst(format!(
                "模板 {file} 的排版没有收敛（页码或版记位置可能不对）：{}",
                diagnostics::describe_all(&world, &file, &compiled.warnings)
            )));
        }
        let document = compiled
            .output
            .map_err(|diags| RenderError::Typst(diagnostics::describe(&world, &file, &diags)))?;
        glyphs::check_document(&document, &file)?;
        Ok(Compiled {
            document,
            file,
            world,
        })
    }
}

/// A laid-out document, with the template file and world its diagnostics
/// point into.
struct Compiled {
    document: PagedDocument,
    file: String,
    world: DocWorld,
}

impl Compiled {
    /// The PDF/A-2b of the document.
    fn pdf(&self, meta: &DocMeta) -> Result<Vec<u8>, RenderError> {
        let options = pdf_options(meta.date)?;
        typst_pdf::pdf(&self.document, &options).map_err(|diags| {
            RenderError::Pdf(diagnostics::describe(&self.world, &self.file, &diags))
        })
    }
}

/// Which files a render writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// PDF/A-2b.
    pub pdf: bool,
    /// OFD (GB/T 33190).
    pub ofd: bool,
}

impl Formats {
    /// PDF only.
    pub const PDF: Formats = Formats {
        pdf: true,
        ofd: false,
    };
    /// OFD only.
    pub const OFD: Formats = Formats {
        pdf: false,
        ofd: true,
    };
    /// Both.
    pub const BOTH: Formats = Formats {
        pdf: true,
        ofd: true,
    };
}

/// The files of one render, as asked for by [`Formats`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The PDF/A-2b bytes.
    pub pdf: Option<Vec<u8>>,
    /// The OFD package bytes.
    pub ofd: Option<Vec<u8>>,
}

/// PDF/A-2b with a creation timestamp fixed at the document's date,
/// midnight Beijing time.
fn pdf_options(date: NaiveDate) -> Result<PdfOptions, RenderError> {
    let bad = || RenderError::BadDate(date.to_string());
    let datetime = Datetime::from_ymd_hms(
        date.year(),
        u8::try_from(date.month()).map_err(|_| bad())?,
        u8::try_from(date.day()).map_err(|_| bad())?,
        0,
        0,
        0,
    )
    .ok_or_else(bad)?;
    let standards = PdfStandards::new(&[PdfStandard::A_2b])
        .map_err(|e| RenderError::Pdf(e.message().to_string()))?;
    Ok(PdfOptions {
        ident: Smart::Auto,
        creator: Smart::Custom(Some("kaoping".to_string())),
        timestamp: Timestamp::new_local(datetime, 8 * 60),
        standards,
        ..PdfOptions::default()
    })
}

fn to_json<T: Serialize + ?Sized>(data: &T) -> Result<serde_json::Value, RenderError> {
    serde_json::to_value(data).map_err(|e| RenderError::Template {
        template: "（数据）".to_string(),
        line: 0,
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests;
