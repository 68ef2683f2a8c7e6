//! Document templates: minijinja templates (`*.typ.j2`) that turn data into
//! Typst source, and the Typst layout library `gongwen.typ`. Built-ins are
//! embedded in the binary; a file of the same name in the archive's
//! `templates/` folder overrides one.
//!
//! Every value a template prints (`{{ … }}`) goes through the Typst
//! auto-escape: it becomes a Typst literal (string, number, array,
//! dictionary), so templates place values in code positions, e.g.
//! `#para({{ text }})`. The `markup` filter instead gives literal text for
//! markup positions. Templates themselves are trusted; data is not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest as _, Sha256};

use chrono::{Datelike, NaiveDate};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

use super::error::RenderError;
use super::escape;
pub use crate::event::issuance::{Origin, TemplateUse};

/// Built-in templates: (file name, text).
const BUILTIN: &[(&str, &str)] = &[
    ("gongwen.typ", include_str!("../../templates/gongwen.typ")),
    (
        "tongzhi.typ.j2",
        include_str!("../../templates/tongzhi.typ.j2"),
    ),
    (
        "baogao.typ.j2",
        include_str!("../../templates/baogao.typ.j2"),
    ),
    (
        "zhenggai.typ.j2",
        include_str!("../../templates/zhenggai.typ.j2"),
    ),
    (
        "huizhi.typ.j2",
        include_str!("../../templates/huizhi.typ.j2"),
    ),
    ("jindu.typ.j2", include_str!("../../templates/jindu.typ.j2")),
    (
        "shenbao.typ.j2",
        include_str!("../../templates/shenbao.typ.j2"),
    ),
    (
        "chuping.typ.j2",
        include_str!("../../templates/chuping.typ.j2"),
    ),
    (
        "zhengshu.typ.j2",
        include_str!("../../templates/zhengshu.typ.j2"),
    ),
    (
        "zgbaogao.typ.j2",
        include_str!("../../templates/zgbaogao.typ.j2"),
    ),
    (
        "wenjuan.typ.j2",
        include_str!("../../templates/wenjuan.typ.j2"),
    ),
    (
        "wenjuantongji.typ.j2",
        include_str!("../../templates/wenjuantongji.typ.j2"),
    ),
    ("shidi.typ.j2", include_str!("../../templates/shidi.typ.j2")),
    (
        "guidang.typ.j2",
        include_str!("../../templates/guidang.typ.j2"),
    ),
];

/// File name of the layout library.
pub const LIBRARY: &str = "gongwen.typ";

/// Suffix of document templates.
pub const SUFFIX: &str = ".typ.j2";

impl Origin {
    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Builtin => "内置",
            Origin::Override => "档案库中的覆盖模板",
        }
    }
}

impl TemplateUse {
    fn of(name: &str, text: &str, origin: Origin) -> TemplateUse {
        TemplateUse {
            name: name.to_string(),
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
            origin,
        }
    }
}

/// What the loader handed to minijinja: each template's use record and
/// the templates it includes.
type Loaded = Arc<Mutex<BTreeMap<String, (TemplateUse, Vec<String>)>>>;

/// The names a template includes with `{% include "name" %}` (templates are
/// trusted and name their includes literally; a scan suffices).
fn includes(text: &str) -> Vec<String> {
    text.split("{%")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split("%}").next()?.trim_start_matches('-').trim();
            let rest = tag.strip_prefix("include")?.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            rest[1..].split(quote).next().map(str::to_string)
        })
        .collect()
}

/// The template set of one engine: built-ins plus an office's overrides.
pub struct Templates {
    env: Environment<'static>,
    override_dir: Option<PathBuf>,
    loaded: Loaded,
}

/// A template's text: the override in `dir` if there is one, else the
/// built-in.
fn load(dir: Option<&Path>, name: &str) -> Result<Option<(String, Origin)>, Error> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        let read = crate::fsutil::present(std::fs::read_to_string(&path)).map_err(|e| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("无法读取模板文件 {}", path.display()),
            )
            .with_source(e)
        })?;
        if let Some(text) = read {
            return Ok(Some((text, Origin::Override)));
        }
    }
    Ok(BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| ((*text).to_string(), Origin::Builtin)))
}

impl Templates {
    /// Templates with overrides looked up in `override_dir` (if given).
    pub fn new(override_dir: Option<&Path>) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Debug mode makes undefined-value errors name the expression.
        env.set_debug(true);
        env.set_auto_escape_callback(|_| AutoEscape::Custom("typst".into()));
        env.set_formatter(|out, state, value| {
            if value.is_safe() || matches!(state.auto_escape(), AutoEscape::None) {
                write!(out, "{value}").map_err(Error::from)
            } else {
                let mut text = String::new();
                escape::value_literal(value, &mut text);
                out.write_str(&text).map_err(Error::from)
            }
        });
        env.add_filter("markup", |s: String| {
            Value::from_safe_string(escape::markup(&s))
        });
        env.add_filter("cn_date", cn_date_filter);
        let dir = override_dir.map(Path::to_path_buf);
        let loader_dir = dir.clone();
        let loaded: Loaded = Arc::default();
        let record = loaded.clone();
        env.set_loader(move |name| {
            let found = load(loader_dir.as_deref(), name)?;
            if let Some((text, origin)) = &found {
                record.lock().unwrap_or_else(|p| p.into_inner()).insert(
                    name.to_string(),
                    (TemplateUse::of(name, text, *origin), includes(text)),
                );
            }
            Ok(found.map(|(text, _)| text))
        });
        Self {
            env,
            override_dir: dir,
            loaded,
        }
    }

    /// The templates `file` was rendered from (itself and what it
    /// includes, transitively), as loaded; call after rendering it.
    pub fn used(&self, file: &str) -> Vec<TemplateUse> {
        let loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<TemplateUse> = Vec::new();
        let mut todo = vec![file.to_string()];
        while let Some(name) = todo.pop() {
            if out.iter().any(|u| u.name == name) {
                continue;
            }
            if let Some((u, inc)) = loaded.get(&name) {
                out.push(u.clone());
                todo.extend(inc.iter().cloned());
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The text of the layout library (override or built-in).
    pub fn library_text(&self) -> Result<String, RenderError> {
        Ok(self.library()?.0)
    }

    /// The layout library's text and where it came from.
    pub fn library(&self) -> Result<(String, Origin), RenderError> {
        if let Some(dir) = &self.override_dir {
            let path = dir.join(LIBRARY);
            match crate::fsutil::present(std::fs::read_to_string(&path)) {
                Ok(Some(text)) => return Ok((text, Origin::Override)),
                Ok(None) => {}
                Err(source) => return Err(RenderError::ReadTemplate { path, source }),
            }
        }
        Ok((
            BUILTIN
                .iter()
                .find(|(n, _)| *n == LIBRARY)
                .map(|(_, t)| (*t).to_string())
                .unwrap_or_default(),
            Origin::Builtin,
        ))
    }

    /// The override files in the archive's `templates/` folder, with their
    /// hashes (what `verify` lists).
    pub fn overrides(dir: &Path) -> std::io::Result<Vec<TemplateUse>> {
        let Some(entries) = crate::fsutil::present(std::fs::read_dir(dir))? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry?;
            if !entry.file_type()?.is_file() {
                continue;
            }
            let bytes = std::fs::read(entry.path())?;
            out.push(TemplateUse {
                name: entry.file_name().to_string_lossy().into_owned(),
                sha256: hex::encode(Sha256::digest(&bytes)),
                origin: Origin::Override,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Names of the document templates available (without the suffix).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN
            .iter()
            .filter_map(|(n, _)| n.strip_suffix(SUFFIX).map(str::to_string))
            .collect();
        if let Some(dir) = &self.override_dir
            && let Ok(entries) = std::fs::read_dir(dir)
        {
            for entry in entries.flatten() {
                if let Some(n) = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(SUFFIX))
                {
                    names.push(n.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Resolves a user's template name (`tongzhi` or `tongzhi.typ.j2`) to
    /// its file name.
    pub fn file_name(&self, name: &str) -> Result<String, RenderError> {
        if name.is_empty()
            || name.contains(['/', '\\'])
            || name.starts_with('.')
            || name.contains("..")
        {
            return Err(RenderError::BadTemplateName(name.to_string()));
        }
        let file = if name.ends_with(SUFFIX) {
            name.to_string()
        } else {
            format!("{name}{SUFFIX}")
        };
        let stem = file.trim_end_matches(SUFFIX);
        if self.names().iter().any(|n| n == stem) {
            Ok(file)
        } else {
            Err(RenderError::UnknownTemplate {
                name: name.to_string(),
                available: self.names().join("、"),
            })
        }
    }

    /// Renders template `file` with `data` into Typst source.
    pub fn render(&self, file: &str, data: &serde_json::Value) -> Result<String, RenderError> {
        let template = self
            .env
            .get_template(file)
            .map_err(|e| template_error(file, &e))?;
        template
            .render(to_value(data))
            .map_err(|e| template_error(file, &e))
    }
}

/// Converts JSON data into template values (objects keep their keys'
/// sorted order, so output is deterministic).
pub fn to_value(data: &serde_json::Value) -> Value {
    match data {
        serde_json::Value::Null => Value::from(()),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => {
            Value::from(items.iter().map(to_value).collect::<Vec<_>>())
        }
        serde_json::Value::Object(map) => Value::from(
            map.iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
    }
}

/// `{{ "2018-09-18" | cn_date }}` → `2018年9月18日` (GB/T 9704: Arabic
/// numerals, full year, no zero padding).
fn cn_date_filter(s: String) -> Result<String, Error> {
    parse_date(&s)
        .map(cn_date)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

/// Parses an ISO date (`YYYY-MM-DD`).
pub fn parse_date(s: &str) -> Result<NaiveDate, RenderError> {
    crate::dates::parse(s).ok_or_else(|| RenderError::BadDate(s.to_string()))
}

/// Formats a date the way official documents write it: 2026年11月27日.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Maps a minijinja error to a Chinese one naming the template, line and
/// (for undefined values) the missing field.
fn template_error(file: &str, e: &Error) -> RenderError {
    let template = e.name().unwrap_or(file).to_string();
    let line = e.line().unwrap_or(0);
    if e.kind() == ErrorKind::TemplateNotFound {
        return RenderError::Template {
            template,
            line,
            message: "找不到被引用的模板".to_string(),
        };
    }
    let detail = e.detail().unwrap_or_default();
    if e.kind() == ErrorKind::UndefinedError
        && let Some(field) = detail.split('`').nth(1)
    {
        return RenderError::MissingField {
            template,
            line,
            field: field.to_string(),
        };
    }
    let mut message = if detail.is_empty() {
        e.kind().to_string()
    } else {
        detail.to_string()
    };
    if let Some(source) = std::error::Error::source(e) {
        message.push_str(&format!("：{source}"));
    }
    RenderError::Template {
        template,
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render_str(src: &str, data: serde_json::Value) -> Result<String, RenderError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.typ.j2"), src).unwrap();
        let t = Templates::new(Some(dir.path()));
        t.render("t.typ.j2", &data)
    }

    #[test]
    fn values_print_as_typst_literals_and_markup_filter_escapes() {
        let out = render_str(
            "#f({{ a }}, {{ n }}) [{{ a | markup }}]",
            json!({"a": "#x\"", "n": 3}),
        )
        .unwrap();
        assert_eq!(out, r##"#f("#x\"", 3) [\#x\"]"##);
    }

    #[test]
    fn missing_field_is_named_with_its_line() {
        let err = render_str("line one\n#para({{ doc.title }})", json!({"doc": {}})).unwrap_err();
        match err {
            RenderError::MissingField { field, line, .. } => {
                assert_eq!(field, "doc.title");
                assert_eq!(line, 2);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn dates_are_written_without_zero_padding() {
        assert_eq!(
            render_str("{{ d | cn_date }}", json!({"d": "2018-09-18"})).unwrap(),
            "\"2018年9月18日\""
        );
        assert!(render_str("{{ d | cn_date }}", json!({"d": "18/9/2018"})).is_err());
    }

    #[test]
    fn includes_are_found_and_uses_recorded_with_their_origin() {
        assert_eq!(
            includes("a {% include \"tongzhi.typ.j2\" %} b {%- include 'x.j2' -%} {% if %}"),
            ["tongzhi.typ.j2", "x.j2"]
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tongzhi.typ.j2"), "planted").unwrap();
        let t = Templates::new(Some(dir.path()));
        t.render("jindu.typ.j2", &json!({})).ok();
        let used = t.used("jindu.typ.j2");
        let names: Vec<_> = used.iter().map(|u| (u.name.as_str(), u.origin)).collect();
        assert_eq!(
            names,
            [
                ("jindu.typ.j2", Origin::Builtin),
                ("tongzhi.typ.j2", Origin::Override)
            ]
        );
        assert_eq!(used[1].sha256, hex::encode(Sha256::digest(b"planted")));
    }

    #[test]
    fn template_names_cannot_leave_the_folder() {
        let t = Templates::new(None);
        assert!(matches!(
            t.file_name("../x"),
            Err(RenderError::BadTemplateName(_))
        ));
        assert!(matches!(
            t.file_name("nope"),
            Err(RenderError::UnknownTemplate { .. })
        ));
        assert_eq!(t.file_name("tongzhi").unwrap(), "tongzhi.typ.j2");
    }
}
