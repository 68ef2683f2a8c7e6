//! The checks made on each record, at every stage: its metadata, its
//! files' digests, formats, PDF structure, fonts, signatures and active
//! content, against what the metadata declares.

use sha2::{Digest as _, Sha256};

use super::pdf::{PdfFacts, inspect};
use super::seen::Seen;
use super::{CheckId, Checks};
use crate::records::metadata::{FileProps, Metadata};

/// How a format stands for long-term keeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// On the DA/T 47 list for 版式 documents (PDF/A, OFD).
    Approved,
    /// Open, long-readable formats (images, audio, video, text, PDF).
    Open,
    /// Office documents to be converted to PDF/A or OFD.
    Convert,
    /// A detached signature.
    Signature,
    /// A compressed archive.
    Archive,
    /// A program or script.
    Executable,
    /// Not recognised.
    Unknown,
}

/// How much of a file the format is judged on (besides a whole PDF).
pub const SAMPLE: usize = 64 << 10;
/// PDFs up to this size are read whole (PDF/A identification, pages,
/// fonts); larger ones are labelled plain PDF by both sides alike.
pub const PDF_WHOLE: u64 = 256 << 20;

/// Whether `sample` (the first bytes of a file, possibly cut off) is text.
fn is_text(sample: &[u8], cut: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) if cut && e.error_len().is_none() => true,
        Err(_) => {
            let trimmed = if cut {
                &sample[..sample.len().saturating_sub(1)]
            } else {
                sample
            };
            crate::textenc::decode(sample).is_some() || crate::textenc::decode(trimmed).is_some()
        }
    }
}

/// The format of a file from its name, its first bytes (`bytes`: at least
/// [`SAMPLE`] of them, or the whole file; a whole PDF up to
/// [`PDF_WHOLE`]) and its `size`: its label (as the metadata's 格式信息
/// states it) and class. The sender, streaming, and the receiver, with
/// the whole file, come to the same answer.
pub fn detect(name: &str, bytes: &[u8], size: u64) -> (String, Class) {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let head = &bytes[..bytes.len().min(16)];
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    let cut = size > sample.len() as u64;
    let (label, class): (&str, Class) = if head.starts_with(b"%PDF") {
        let whole = size <= PDF_WHOLE && bytes.len() as u64 == size;
        return match whole
            .then(|| inspect(bytes).ok().and_then(|f| f.pdfa))
            .flatten()
        {
            Some(id) => (format!("PDF/A-{id}"), Class::Approved),
            None => ("PDF".into(), Class::Open),
        };
    } else if head.starts_with(b"MZ") || head.starts_with(b"\x7fELF") || head.starts_with(b"#!") {
        ("可执行程序", Class::Executable)
    } else if matches!(
        ext.as_str(),
        "exe" | "dll" | "bat" | "cmd" | "com" | "scr" | "vbs" | "js" | "ps1" | "sh" | "msi" | "jar"
    ) {
        ("脚本或程序", Class::Executable)
    } else if head.starts_with(b"\xff\xd8\xff") {
        ("JPEG", Class::Open)
    } else if head.starts_with(b"\x89PNG") {
        ("PNG", Class::Open)
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        ("TIFF", Class::Open)
    } else if head.starts_with(b"GIF8") {
        ("GIF", Class::Open)
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        ("MP4", Class::Open)
    } else if head.starts_with(b"ID3")
        || (head.len() > 1 && head[0] == 0xff && head[1] & 0xe0 == 0xe0)
    {
        ("MP3", Class::Open)
    } else if head.starts_with(b"RIFF") {
        (if ext == "avi" { "AVI" } else { "WAV" }, Class::Open)
    } else if head.starts_with(b"PK\x03\x04") {
        match ext.as_str() {
            "ofd" => ("OFD", Class::Approved),
            "docx" => ("DOCX", Class::Convert),
            "xlsx" => ("XLSX", Class::Convert),
            "pptx" => ("PPTX", Class::Convert),
            _ => ("ZIP", Class::Archive),
        }
    } else if head.starts_with(b"\xd0\xcf\x11\xe0") {
        ("OLE（DOC/XLS/WPS）", Class::Convert)
    } else if head.starts_with(b"Rar!")
        || head.starts_with(b"7z\xbc\xaf")
        || head.starts_with(b"\x1f\x8b")
    {
        ("压缩包", Class::Archive)
    } else if ext == "sig" {
        ("SM2签名", Class::Signature)
    } else if is_text(sample, cut) {
        (
            match ext.as_str() {
                "csv" => "CSV",
                "xml" => "XML",
                _ => "TXT",
            },
            Class::Open,
        )
    } else {
        ("未知", Class::Unknown)
    };
    (label.to_string(), class)
}

/// SM3 and SHA-256 (hex) of `bytes`.
pub fn digests(bytes: &[u8]) -> (String, String) {
    (
        crate::sign::sm::sm3_hex(bytes),
        hex::encode(Sha256::digest(bytes)),
    )
}

/// Checks one record: `meta` and what was seen of its files (in the
/// metadata's order). `document` marks an issued 公文 (PDF/A and a
/// signature due).
pub fn check_record(
    checks: &mut Checks,
    meta: &Metadata,
    files: &[(FileProps, Seen)],
    document: bool,
) {
    let who = meta.code.code.as_str();
    checks.count(CheckId::RequiredMetadata);
    let missing = meta.missing();
    if !missing.is_empty() {
        checks.fail(
            CheckId::RequiredMetadata,
            who,
            format!("缺少元数据：{}", missing.join("、")),
        );
    }
    checks.count(CheckId::Actions);
    if meta
        .actions
        .iter()
        .all(|a| a.action.is_empty() || a.time.is_empty())
    {
        checks.fail(CheckId::Actions, who, "没有业务行为及行为时间记录");
    }
    checks.count(CheckId::ContentPresent);
    if files.is_empty() || files.len() as u64 != meta.file_count {
        checks.fail(
            CheckId::ContentPresent,
            who,
            format!(
                "元数据声明 {} 个计算机文件，实有 {} 个",
                meta.file_count,
                files.len()
            ),
        );
    }
    for (i, (props, seen)) in files.iter().enumerate() {
        let subject = format!("{who} / {}", props.name);
        check_file(checks, &subject, props, seen);
        if document && i == 0 {
            check_document(checks, &subject, meta, props, seen);
        }
    }
}

fn check_file(checks: &mut Checks, subject: &str, props: &FileProps, seen: &Seen) {
    checks.count(CheckId::ContentDigest);
    if seen.sm3 != props.digests.sm3 || seen.sha256 != props.digests.sha256 {
        checks.fail(
            CheckId::ContentDigest,
            subject,
            "重新计算的数字摘要与元数据不符：内容已被改动",
        );
    }
    checks.count(CheckId::Consistency);
    if seen.size != props.size {
        checks.fail(
            CheckId::Consistency,
            subject,
            format!(
                "计算机文件大小应为 {} 字节，实为 {} 字节",
                props.size, seen.size
            ),
        );
    }
    let (label, class) = detect(&props.name, &seen.kept, seen.size);
    if label != props.format {
        checks.fail(
            CheckId::Consistency,
            subject,
            format!("格式信息写的是 {}，内容实为 {label}", props.format),
        );
    }
    checks.count(CheckId::Format);
    checks.count(CheckId::Executable);
    checks.count(CheckId::NoEncryption);
    match class {
        Class::Executable => checks.fail(CheckId::Executable, subject, format!("文件是{label}")),
        Class::Archive => checks.fail(
            CheckId::NoEncryption,
            subject,
            format!("文件是{label}，应解压后逐个归档"),
        ),
        Class::Unknown => checks.fail(CheckId::Format, subject, "无法识别的文件格式"),
        Class::Convert => checks.note(
            CheckId::Format,
            format!("{subject}：{label} 不是长期保存格式，建议转为 PDF/A 或 OFD"),
        ),
        _ => {}
    }
    if seen.kept.starts_with(b"%PDF") {
        match seen.whole() {
            true => check_pdf(checks, subject, props, &seen.kept),
            false => checks.note(
                CheckId::Fonts,
                format!(
                    "{subject}：PDF 大于 {} MB，未检查其字体和结构",
                    PDF_WHOLE >> 20
                ),
            ),
        }
    }
}

fn check_pdf(checks: &mut Checks, subject: &str, props: &FileProps, bytes: &[u8]) {
    checks.count(CheckId::ContentOpens);
    checks.count(CheckId::Fonts);
    let facts: PdfFacts = match inspect(bytes) {
        Ok(f) => f,
        Err(why) => return checks.fail(CheckId::ContentOpens, subject, why),
    };
    if !facts.unembedded.is_empty() {
        checks.fail(
            CheckId::Fonts,
            subject,
            format!("字体未嵌入：{}", facts.unembedded.join("、")),
        );
    }
    if facts.encrypted {
        checks.fail(CheckId::NoEncryption, subject, "PDF 已加密");
    }
    if !facts.active.is_empty() {
        checks.fail(
            CheckId::Executable,
            subject,
            format!("PDF 含有动作：{}", facts.active.join("、")),
        );
    }
    if props.pages.is_some_and(|p| p != facts.pages) {
        checks.fail(
            CheckId::Consistency,
            subject,
            format!(
                "元数据页数为 {}，PDF 实有 {} 页",
                props.pages.unwrap_or_default(),
                facts.pages
            ),
        );
    }
}

/// An issued document's PDF: PDF/A, a valid signature, and the number and
/// title its signature states equal to the metadata's.
fn check_document(
    checks: &mut Checks,
    subject: &str,
    meta: &Metadata,
    props: &FileProps,
    seen: &Seen,
) {
    let bytes = &seen.kept;
    if !(props.format.starts_with("PDF/A") || props.format == "OFD") {
        checks.fail(
            CheckId::Format,
            subject,
            format!("公文应为 PDF/A 或 OFD，实为 {}", props.format),
        );
    }
    if !bytes.starts_with(b"%PDF") || !seen.whole() {
        return;
    }
    checks.count(CheckId::DocumentSignature);
    let check = match crate::sign::verify::check_pdf(bytes) {
        Ok(c) => c,
        Err(e) => return checks.fail(CheckId::DocumentSignature, subject, e.to_string()),
    };
    if !check.valid() {
        checks.fail(
            CheckId::DocumentSignature,
            subject,
            "公文的电子签名无效、缺失或签名后被追加了内容",
        );
    }
    let pairs = [
        (
            "题名",
            &meta.content.title,
            check.title.as_deref(),
            "公文签名中的题名",
        ),
        (
            "文件编号",
            &meta.content.number,
            check.number.as_deref(),
            "公文上的文号",
        ),
    ];
    for (what, declared, found, place) in pairs {
        if let Some(found) = found.filter(|f| *f != declared.as_str()) {
            let why = format!("元数据{what}“{declared}”与{place}“{found}”不符");
            checks.fail(CheckId::Consistency, subject, why);
        }
    }
}
