//! Documents the office writes itself (`kaoping render`, e.g. an ordinary
//! 通知): its JSON data completed with the defaults of `kaoping.toml` — the
//! issuing organs and their banner, the signatures, the 主送机关 — its PDF
//! metadata, and the draft the register numbers and records.

use serde::Serialize;
use serde_json::Value;

use crate::config::{Config, Organ};
use crate::issuance::{DocKind, Draft, Numbering, banner};
use crate::render::DocMeta;

/// Why a data file cannot make a document.
#[derive(Debug, thiserror::Error)]
pub enum CustomError {
    /// `--organ` names no organ of `kaoping.toml`.
    #[error("kaoping.toml 中没有 key = \"{key}\" 的发文机关；已有：{known}")]
    UnknownOrgan {
        /// The key given.
        key: String,
        /// The keys there are.
        known: String,
    },
    /// The data is not a JSON object.
    #[error("数据文件的内容应是一个 JSON 对象（{{ … }}），写明 title、date 等字段")]
    NotAnObject,
    /// A required field is missing.
    #[error("缺少字段“{0}”")]
    Missing(&'static str),
    /// A field that should be text is not.
    #[error("字段“{0}”应为文字（字符串）")]
    NotText(&'static str),
    /// The date cannot be read.
    #[error(transparent)]
    Date(#[from] crate::render::RenderError),
}

/// A document ready to render or register.
#[derive(Debug)]
pub struct Custom {
    /// The completed data (for `--typst` and `--draft`).
    pub data: Value,
    /// PDF metadata and 成文日期.
    pub meta: DocMeta,
    /// The draft for the register.
    pub draft: Draft,
}

/// The organs a document is issued by: `key` of `kaoping.toml`, or the
/// default issuers.
pub fn organs<'a>(config: &'a Config, key: Option<&str>) -> Result<Vec<&'a Organ>, CustomError> {
    match key {
        Some(k) => Ok(vec![config.organ(k).ok_or_else(|| {
            CustomError::UnknownOrgan {
                key: k.to_string(),
                known: config
                    .organs
                    .iter()
                    .map(|o| o.key.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            }
        })?]),
        None => Ok(config.issuers()),
    }
}

/// Completes `data` with the configuration's defaults and builds the
/// draft. `unnumbered` (a draft or Typst source) prints 草稿 where the
/// number goes when the data gives none.
pub fn prepare(
    config: &Config,
    organ: Option<&str>,
    mut data: Value,
    template: &str,
    file_name: &str,
    unnumbered: bool,
) -> Result<Custom, CustomError> {
    let organs = organs(config, organ)?;
    let obj = data.as_object_mut().ok_or(CustomError::NotAnObject)?;
    let has = |k: &str| obj.contains_key(k);
    let mut defaults = Defaults::default();
    if !has("issuers") {
        let (names, suffix) = banner(&organs);
        defaults.issuers = Some(names);
        defaults.mark_suffix = Some(suffix);
        if !has("signatures") {
            defaults.signatures = Some(organs.iter().map(|o| o.name.clone()).collect());
        }
    }
    if !has("recipients") {
        defaults.recipients = Some(config.documents.recipients.join("，"));
    }
    if unnumbered && !has("number") {
        defaults.number = Some("草稿".into());
    }
    if let Value::Object(given) = super::data::to_value(&defaults) {
        obj.extend(given);
    }
    let meta = meta_from(&data)?;
    let numbering = match data.get("number").and_then(|n| n.as_str()) {
        Some(n) => Numbering::Given(n.to_string()),
        None => Numbering::Document {
            prefix: organs.first().map(|o| o.prefix.clone()).unwrap_or_default(),
        },
    };
    let text = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let draft = Draft {
        kind: DocKind::named(&text("kind").unwrap_or_else(|| "通知".into())),
        template: template.to_string(),
        organs: organs.iter().map(|o| o.name.clone()).collect(),
        data: data.clone(),
        meta: meta.clone(),
        recipient: text("recipients").unwrap_or_default(),
        community: None,
        district: None,
        numbering,
        over_quota: None,
        submission: None,
        file_name: file_name.to_string(),
    };
    Ok(Custom { data, meta, draft })
}

/// What `kaoping.toml` fills in where the data file is silent: the
/// banner and signatures of the issuing organs, the 主送机关, and 草稿 for
/// the number of an unnumbered draft (fields of the 通知 schema,
/// [`super::data::Official`]).
#[derive(Debug, Default, Serialize)]
struct Defaults {
    #[serde(skip_serializing_if = "Option::is_none")]
    issuers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mark_suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signatures: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipients: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
}

/// PDF metadata from the data: `title`, `author` (default: `issuers`
/// joined), `date`.
fn meta_from(data: &Value) -> Result<DocMeta, CustomError> {
    let field = |name: &'static str| match data.get(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(CustomError::NotText(name)),
        None => Err(CustomError::Missing(name)),
    };
    let title = field("title")?.to_string();
    let date = crate::render::parse_date(field("date")?)?;
    let author = match data.get("author").and_then(|v| v.as_str()) {
        Some(a) => a.to_string(),
        None => match data.get("issuers") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            _ => return Err(CustomError::Missing("issuers")),
        },
    };
    Ok(DocMeta {
        title,
        author,
        date,
    })
}
