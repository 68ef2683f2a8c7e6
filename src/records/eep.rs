//! One record as a DA/T 48-2009 电子文件封装包 (EEP): the 被签名对象
//! (package type, creation time and unit, and the 封装内容 — the 文件实体
//! with its metadata and each computer file Base64-encoded in a 文档, and
//! the 业务实体块 from the log), then the 电子签名块: a CMS (RFC 5652)
//! detached signature by the office's key over the exact bytes of the
//! 被签名对象 element as written, with the signer's certificate.
//!
//! These are the XML types (quick-xml serde); `eep_write` writes a package
//! and `eep_read` reads one, both streaming the files. The signed
//! bytes are found as the one `<被签名对象 … </被签名对象>` span of the file.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use der::Decode;
use serde::{Deserialize, Serialize};

use super::metadata::{Action, Metadata};

/// The EEP namespace of DA/T 48.
pub const NAMESPACE: &str = "http://www.saac.gov.cn/standards/ERM/encapsulation";

/// Where the signed bytes begin.
pub const START: &str = "<被签名对象";
/// Where they end (inclusive).
pub const END: &str = "</被签名对象>";

/// 封装内容 → 文件实体块 → 文件实体.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntity {
    /// The metadata.
    #[serde(rename = "文件元数据")]
    pub meta: Metadata,
    /// The computer files.
    #[serde(rename = "文档", default)]
    pub docs: Vec<Doc>,
}

/// One computer file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Doc {
    /// 文档标识符.
    #[serde(rename = "文档标识符")]
    pub id: String,
    /// 文档序号.
    #[serde(rename = "文档序号")]
    pub seq: u32,
    /// 文档数据 → 编码.
    #[serde(rename = "文档数据")]
    pub data: DocData,
}

/// 文档数据.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocData {
    /// 编码.
    #[serde(rename = "编码")]
    pub encoding: Encoding,
}

/// 编码: the file's bytes in Base64.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Encoding {
    /// 计算机文件名.
    #[serde(rename = "计算机文件名")]
    pub name: String,
    /// 编码描述.
    #[serde(rename = "编码描述")]
    pub note: String,
    /// 反编码关键字.
    #[serde(rename = "反编码关键字")]
    pub decoder: String,
    /// 编码数据.
    #[serde(rename = "编码数据")]
    pub data: String,
}

/// 文件实体块.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileBlock {
    /// 文件实体.
    #[serde(rename = "文件实体")]
    pub entity: FileEntity,
}

/// 业务实体块.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BusinessBlock {
    /// 业务实体.
    #[serde(rename = "业务实体", default)]
    pub actions: Vec<Action>,
}

/// 封装内容.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Encapsulated {
    /// 文件实体块.
    #[serde(rename = "文件实体块")]
    pub files: FileBlock,
    /// 业务实体块.
    #[serde(rename = "业务实体块")]
    pub business: BusinessBlock,
}

/// 被签名对象.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename = "被签名对象")]
pub struct SignedObject {
    /// eep版本.
    #[serde(rename = "@eep版本")]
    pub version: String,
    /// 封装包类型 (原始型).
    #[serde(rename = "封装包类型")]
    pub kind: String,
    /// 封装包类型描述.
    #[serde(rename = "封装包类型描述")]
    pub kind_note: String,
    /// 封装包创建时间.
    #[serde(rename = "封装包创建时间")]
    pub created: String,
    /// 封装包创建单位.
    #[serde(rename = "封装包创建单位")]
    pub creator: String,
    /// 封装内容.
    #[serde(rename = "封装内容")]
    pub content: Encapsulated,
}

/// 电子签名.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signature {
    /// 签名ID.
    #[serde(rename = "@签名ID")]
    pub id: String,
    /// 签名规则.
    #[serde(rename = "签名规则")]
    pub rule: String,
    /// 签名时间.
    #[serde(rename = "签名时间")]
    pub time: String,
    /// 签名人.
    #[serde(rename = "签名人")]
    pub signer: String,
    /// 签名结果 (Base64 of the DER CMS ContentInfo).
    #[serde(rename = "签名结果")]
    pub result: String,
    /// 证书块.
    #[serde(rename = "证书块")]
    pub certificates: Certificates,
    /// 证书引证.
    #[serde(rename = "证书引证")]
    pub reference: String,
    /// 签名算法标识.
    #[serde(rename = "签名算法标识")]
    pub algorithm: String,
}

/// 证书块.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Certificates {
    /// 证书 (Base64 DER).
    #[serde(rename = "证书")]
    pub certificate: String,
}

/// 电子签名块.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename = "电子签名块")]
pub struct SignatureBlock {
    /// 电子签名.
    #[serde(rename = "电子签名")]
    pub signature: Signature,
}

/// The whole package as read.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "电子文件封装包")]
pub struct Package {
    /// 封装包格式描述.
    #[serde(rename = "封装包格式描述")]
    pub description: String,
    /// 版本.
    #[serde(rename = "版本")]
    pub version: String,
    /// 被签名对象.
    #[serde(rename = "被签名对象")]
    pub signed: SignedObject,
    /// 电子签名块.
    #[serde(rename = "电子签名块")]
    pub signatures: SignatureBlock,
}

pub(super) fn to_xml<T: Serialize>(value: &T) -> Result<String, String> {
    let mut out = String::new();
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    ser.indent(' ', 1);
    value.serialize(ser).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The 被签名对象 of one record with `datas` as each computer file's
/// 编码数据 (in the metadata's order).
pub fn signed_object(meta: &Metadata, datas: &[String], created: &str) -> SignedObject {
    let docs = meta
        .files
        .iter()
        .zip(datas)
        .enumerate()
        .map(|(i, (p, data))| Doc {
            id: format!("{}-{}", meta.code.code, i + 1),
            seq: u32::try_from(i + 1).unwrap_or(u32::MAX),
            data: DocData {
                encoding: Encoding {
                    name: p.name.clone(),
                    note: "本元素存储计算机文件二进制流的 Base64 编码".into(),
                    decoder: "base64".into(),
                    data: data.clone(),
                },
            },
        })
        .collect();
    SignedObject {
        version: "2009".into(),
        kind: "原始型".into(),
        kind_note: "本封装包包含电子文件数据及其元数据，系原始封装，未经修改".into(),
        created: created.into(),
        creator: meta.origin.unit.clone(),
        content: Encapsulated {
            business: BusinessBlock {
                actions: meta.actions.clone(),
            },
            files: FileBlock {
                entity: FileEntity {
                    meta: meta.clone(),
                    docs,
                },
            },
        },
    }
}

/// Checks the signature against the SHA-256 `digest` of the 被签名对象's
/// bytes as read; on success names the signer.
pub fn check_signature(digest: &[u8], sig: &Signature) -> Result<String, String> {
    let cms = B64
        .decode(sig.result.trim())
        .map_err(|_| "签名结果不是有效的 Base64".to_string())?;
    let checked = crate::sign::cms::check(&cms, digest).map_err(|e| e.to_string())?;
    let cert = B64
        .decode(sig.certificates.certificate.trim())
        .map_err(|_| "证书不是有效的 Base64".to_string())?;
    let declared = x509_cert::Certificate::from_der(&cert)
        .map_err(|_| "证书块中的证书无法解析".to_string())?;
    if declared != checked.certificate {
        return Err("证书块中的证书与签名者证书不一致".into());
    }
    if !checked.intact {
        return Err("签名与“被签名对象”不符：封装包内容在签名后被改动".into());
    }
    Ok(sig.signer.clone())
}
