//! The DA/T 46-2009 metadata of one filed record, as far as kaoping knows
//! it: 来源, 电子文件号, 档号, 内容描述, 形式特征, 保管期限, the computer
//! files with their 格式信息, size and 数字摘要 (SM3 and SHA-256), the
//! 业务行为 from the log and the 机构人员. Elements kaoping cannot know are
//! named in 未能著录, never invented. Serialized as XML with quick-xml.

use serde::{Deserialize, Serialize};

use crate::config::ArchivesSettings;
use crate::event::records::{FiledItem, FiledSource};

/// Elements of DA/T 46 kaoping does not know and leaves to the archivist.
pub const UNKNOWN: [&str; 5] = ["密级", "保密期限", "主题词", "起草人及起草时间", "紧急程度"];

/// 来源.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    /// 档案馆名称.
    #[serde(rename = "档案馆名称", default)]
    pub archive: String,
    /// 档案馆代码.
    #[serde(rename = "档案馆代码", default)]
    pub archive_code: String,
    /// 全宗名称.
    #[serde(rename = "全宗名称")]
    pub fonds: String,
    /// 立档单位名称.
    #[serde(rename = "立档单位名称")]
    pub unit: String,
}

/// 档号 and its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Code {
    /// The whole 档号.
    #[serde(rename = "档号")]
    pub code: String,
    /// 全宗号.
    #[serde(rename = "全宗号")]
    pub fonds: String,
    /// 年度.
    #[serde(rename = "年度")]
    pub year: i32,
    /// 保管期限 (its code, Y/D30/D10).
    #[serde(rename = "保管期限代码")]
    pub retention: String,
    /// 机构或问题.
    #[serde(rename = "机构或问题", default)]
    pub section: String,
    /// 件号.
    #[serde(rename = "件号")]
    pub piece: u32,
}

/// 内容描述.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// 题名.
    #[serde(rename = "题名")]
    pub title: String,
    /// 文件编号 (发文字号 or certificate number; empty for evidence).
    #[serde(rename = "文件编号", default)]
    pub number: String,
    /// 责任者.
    #[serde(rename = "责任者")]
    pub author: String,
    /// 日期 (YYYYMMDD).
    #[serde(rename = "日期")]
    pub date: String,
    /// 文种.
    #[serde(rename = "文种")]
    pub kind: String,
    /// 主送.
    #[serde(rename = "主送", default)]
    pub recipient: String,
}

/// 数字摘要.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digests {
    /// SM3 (GB/T 32905), hex.
    #[serde(rename = "SM3")]
    pub sm3: String,
    /// SHA-256, hex.
    #[serde(rename = "SHA256")]
    pub sha256: String,
}

/// One computer file of the record (电子属性).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileProps {
    /// 计算机文件名.
    #[serde(rename = "计算机文件名")]
    pub name: String,
    /// 格式信息.
    #[serde(rename = "格式信息")]
    pub format: String,
    /// 计算机文件大小 (bytes).
    #[serde(rename = "计算机文件大小")]
    pub size: u64,
    /// 页数 of a PDF.
    #[serde(rename = "页数", default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// 数字摘要.
    #[serde(rename = "数字摘要")]
    pub digests: Digests,
}

/// One business action on the record (业务实体).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// 业务行为 (登记, 签发, 提交, 归档).
    #[serde(rename = "业务行为")]
    pub action: String,
    /// 行为时间 (RFC 3339).
    #[serde(rename = "行为时间")]
    pub time: String,
    /// 机构人员.
    #[serde(rename = "机构人员")]
    pub agent: String,
}

/// One 机构人员 (机构人员实体).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    /// 机构人员类型 (单位, 个人).
    #[serde(rename = "机构人员类型")]
    pub kind: String,
    /// 机构人员名称.
    #[serde(rename = "机构人员名称")]
    pub name: String,
}

/// The metadata of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "文件元数据")]
pub struct Metadata {
    /// 聚合层次 (always 文件: one record is one 件).
    #[serde(rename = "聚合层次")]
    pub level: String,
    /// 来源.
    #[serde(rename = "来源")]
    pub origin: Origin,
    /// 电子文件号 (unique within the archive).
    #[serde(rename = "电子文件号")]
    pub file_id: String,
    /// 档号.
    #[serde(rename = "档号")]
    pub code: Code,
    /// 内容描述.
    #[serde(rename = "内容描述")]
    pub content: Content,
    /// 保管期限.
    #[serde(rename = "保管期限")]
    pub retention: String,
    /// 件数 of computer files.
    #[serde(rename = "文件数")]
    pub file_count: u64,
    /// The computer files.
    #[serde(rename = "计算机文件", default)]
    pub files: Vec<FileProps>,
    /// 业务行为 from the log.
    #[serde(rename = "业务行为记录", default)]
    pub actions: Vec<Action>,
    /// 机构人员.
    #[serde(rename = "机构人员实体", default)]
    pub agents: Vec<Agent>,
    /// Elements not known to kaoping.
    #[serde(rename = "未能著录", default)]
    pub unknown: Vec<String>,
}

/// What the log says about a record, beyond its filing.
#[derive(Debug, Clone)]
pub struct Facts {
    /// 文件编号.
    pub number: String,
    /// 责任者 (organs, or the community).
    pub author: String,
    /// 文种.
    pub kind: String,
    /// 主送.
    pub recipient: String,
    /// The actions before filing, in order.
    pub actions: Vec<Action>,
    /// The agents.
    pub agents: Vec<Agent>,
}

/// The 电子文件号 of a record.
pub fn file_id(source: &FiledSource) -> String {
    match source {
        FiledSource::Document { number } => format!("公文:{number}"),
        FiledSource::Submission { community, version } => format!("材料:{community}:v{version}"),
        FiledSource::Street {
            district,
            street,
            version,
        } => format!("街道材料:{district}{street}:v{version}"),
    }
}

/// The metadata of `item`, with `files` and the 归档 action at `filed_at`.
pub fn build(
    settings: &ArchivesSettings,
    item: &FiledItem,
    facts: Facts,
    files: Vec<FileProps>,
    filed_at: &str,
) -> Metadata {
    let mut actions = facts.actions;
    actions.push(Action {
        action: "归档".into(),
        time: filed_at.to_string(),
        agent: settings.unit.clone(),
    });
    Metadata {
        level: "文件".into(),
        origin: Origin {
            archive: settings.archive_name.clone(),
            archive_code: settings.archive_code.clone(),
            fonds: settings.fonds_name.clone(),
            unit: settings.unit.clone(),
        },
        file_id: file_id(&item.source),
        code: Code {
            code: item.code.clone(),
            fonds: settings.fonds_code.clone(),
            year: item.year,
            retention: item.retention.code().into(),
            section: settings.section.clone(),
            piece: item.piece,
        },
        content: Content {
            title: item.title.clone(),
            number: facts.number,
            author: facts.author,
            date: item.date.format("%Y%m%d").to_string(),
            kind: facts.kind,
            recipient: facts.recipient,
        },
        retention: item.retention.name().into(),
        file_count: files.len() as u64,
        files,
        actions,
        agents: facts.agents,
        unknown: UNKNOWN.iter().map(|s| s.to_string()).collect(),
    }
}

impl Metadata {
    /// The XML text (no declaration), indented.
    pub fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        let mut out = String::new();
        let mut ser = quick_xml::se::Serializer::new(&mut out);
        ser.indent(' ', 2);
        self.serialize(ser)?;
        Ok(out)
    }

    /// Parses the XML text of a metadata record.
    pub fn from_xml(text: &str) -> Result<Metadata, quick_xml::DeError> {
        quick_xml::de::from_str(text)
    }

    /// Which required elements are empty (DA/T 46 必选 among those
    /// kaoping writes).
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (name, value) in [
            ("聚合层次", self.level.as_str()),
            ("全宗名称", self.origin.fonds.as_str()),
            ("立档单位名称", self.origin.unit.as_str()),
            ("电子文件号", self.file_id.as_str()),
            ("档号", self.code.code.as_str()),
            ("题名", self.content.title.as_str()),
            ("责任者", self.content.author.as_str()),
            ("日期", self.content.date.as_str()),
            ("文种", self.content.kind.as_str()),
            ("保管期限", self.retention.as_str()),
        ] {
            if value.trim().is_empty() {
                out.push(name);
            }
        }
        if self.files.is_empty() {
            out.push("计算机文件");
        }
        if self.actions.is_empty() {
            out.push("业务行为");
        }
        out
    }
}
