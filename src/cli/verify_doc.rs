//! `kaoping verify-doc FILE`: checks a document's signatures (who signed
//! it, with which certificate and algorithm, when, and whether anything
//! changed after signing — for an OFD, which file) without an archive;
//! where an archive is at hand, also whether the PDF or OFD is, byte for
//! byte, a document issued from it.

use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;

use kaoping::actions::verify_doc::{self as act, Signatures, Verdict};
use kaoping::sign::PdfCheck;
use kaoping::sign::ofd::OfdCheck;

use super::Context;
use super::batch::console;
use super::output;

/// 核对公文：检查数字签名，并与档案库发文登记比对
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 要核对的 PDF 或 OFD 文件
    #[arg(value_name = "文件")]
    file: PathBuf,
}

/// Whether the file at `path` starts like an OFD package.
fn is_ofd(path: &std::path::Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| act::is_ofd(&head))
}

fn print_signed(out: &mut impl Write, c: &PdfCheck) -> std::io::Result<()> {
    writeln!(out, "数字签名（{} 个）：", c.signatures.len())?;
    for (i, s) in c.signatures.iter().enumerate() {
        let validity = (s.valid_from.as_str(), s.valid_until.as_str());
        print_certificate(out, i, &s.organ, &s.subject, &s.serial, validity)?;
        writeln!(out, "    签名时间：{}", s.signed_at)?;
        let result = match (s.intact, s.covers_whole) {
            (false, _) => "签名无效：签名范围内的内容被改动过，或签名本身已损坏",
            (true, true) => "签名有效，覆盖整个文件",
            (true, false) => "签名有效，其后文件又有追加（见下一个签名或下方提示）",
        };
        writeln!(out, "    结果：{result}")?;
        if s.test {
            writeln!(out, "    注意：这是测试证书，仅供试用，不具法律效力")?;
        }
    }
    if let Some(n) = &c.number {
        writeln!(out, "  文号：{n}")?;
    }
    if let Some(t) = &c.title {
        writeln!(out, "  标题：{t}")?;
    }
    if c.appended {
        writeln!(
            out,
            "  警告：最后一个签名之后文件又被追加了内容（可能增删了页面），追加部分不受签名保护"
        )?;
    }
    Ok(())
}

fn print_ofd(out: &mut impl Write, c: &OfdCheck) -> std::io::Result<()> {
    writeln!(
        out,
        "数字签名（OFD，GB/T 33190 第 18 章，{} 个）：",
        c.signatures.len()
    )?;
    for (i, s) in c.signatures.iter().enumerate() {
        let validity = (s.valid_from.as_str(), s.valid_until.as_str());
        print_certificate(out, i, &s.signer, &s.subject, &s.serial, validity)?;
        writeln!(out, "    算法：{}（{}）", s.algorithm, s.method)?;
        writeln!(out, "    签名时间：{}", s.signed_at)?;
        if s.changed.is_empty() && s.missing.is_empty() {
            writeln!(
                out,
                "    文件摘要（SM3）：签名保护的 {} 个文件全部相符",
                s.files
            )?;
        }
        for f in &s.changed {
            writeln!(
                out,
                "    文件摘要（SM3）不符：{f} 的 CheckValue 与文件内容不符（签名后被改动过）"
            )?;
        }
        for f in &s.missing {
            writeln!(out, "    缺少文件：{f}（签名时有，现在没有）")?;
        }
        let result = match (s.value_intact, s.method_matches, s.valid()) {
            (false, _, _) => "签名无效：签名描述文件（Signature.xml）被改动过，或签名值已损坏",
            (true, false, _) => "签名无效：SignatureMethod 与证书的密钥类型不符",
            (true, true, false) => "签名本身有效，但它保护的文件被改动过（见上）",
            (true, true, true) => "签名有效",
        };
        writeln!(out, "    结果：{result}")?;
        if s.test {
            writeln!(out, "    注意：这是测试证书，仅供试用，不具法律效力")?;
        }
    }
    if !c.unsigned.is_empty() {
        writeln!(
            out,
            "  警告：以下文件不受任何签名保护（签名后加入）：{}",
            c.unsigned.join("、")
        )?;
    }
    Ok(())
}

/// Why the OFD's signatures fail, naming the files that changed.
fn ofd_problem(c: &OfdCheck) -> String {
    let changed: Vec<&str> = c
        .signatures
        .iter()
        .flat_map(|s| s.changed.iter().chain(&s.missing))
        .map(String::as_str)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut why = Vec::new();
    if !changed.is_empty() {
        why.push(format!(
            "{} 与签名时的 CheckValue（SM3）不符",
            changed.join("、")
        ));
    }
    if c.signatures.iter().any(|s| !s.value_intact) {
        why.push("签名值核验不通过".to_string());
    }
    if !c.unsigned.is_empty() {
        why.push(format!("{} 不受签名保护", c.unsigned.join("、")));
    }
    why.join("，")
}

fn print_register(ctx: &Context, out: &mut impl Write, v: &Verdict) -> anyhow::Result<bool> {
    let Some(check) = &v.register else {
        return Ok(true);
    };
    let hex = &check.sha256;
    let Some(entry) = &check.entry else {
        writeln!(
            out,
            "发文登记：不是本档案库登记过的公文（SHA-256 {hex}）。文件可能被修改过，或者不是由本档案库发出的"
        )?;
        return Ok(false);
    };
    let r = &entry.record;
    writeln!(out, "发文登记：是登记过的公文，内容与登记时完全一致：")?;
    writeln!(out, "  文号：{}", r.number)?;
    writeln!(out, "  类型：{}", r.kind)?;
    writeln!(out, "  标题：{}", r.title)?;
    writeln!(out, "  主送/对象：{}", r.recipient)?;
    writeln!(out, "  成文日期：{}", r.date)?;
    writeln!(out, "  发文机关：{}", r.organs.join("、"))?;
    let time = ctx.config()?.time.show_labelled(&entry.time);
    writeln!(out, "  登记时间：{time}")?;
    writeln!(out, "  SHA-256：{hex}")?;
    if check.copy_intact {
        writeln!(out, "  档案库中的存档副本完好。")?;
    } else {
        writeln!(
            out,
            "  注意：档案库中的存档副本缺失或已损坏，请运行 kaoping verify 检查。"
        )?;
    }
    Ok(true)
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let with_archive = ctx.root().config_path().exists();
    let verdict = if with_archive {
        let archive = ctx.archive();
        act::against_register(&console(&archive, false), &args.file)?
    } else {
        act::signed(&args.file)?
    };
    let mut out = output::stdout();
    writeln!(out, "{}", args.file.display())?;
    let signed_ok = match &verdict.signatures {
        Signatures::Checked(c) => {
            print_signed(&mut out, c)?;
            c.valid()
        }
        Signatures::Ofd(c) => {
            print_ofd(&mut out, c)?;
            c.valid()
        }
        Signatures::None if is_ofd(&args.file) => {
            writeln!(
                out,
                "数字签名：这个 OFD 没有签名（Doc_0/Signs），只能与档案库的发文登记逐字节比对"
            )?;
            false
        }
        Signatures::None => {
            writeln!(out, "数字签名：没有（不是签名的公文，或签名已被去掉）")?;
            false
        }
        Signatures::Unreadable(why) => {
            writeln!(out, "数字签名：无法读取（{why}）")?;
            false
        }
    };
    let registered = print_register(ctx, &mut out, &verdict)?;
    if !with_archive {
        writeln!(
            out,
            "（没有找到档案库，只核验了数字签名；在档案库所在处运行或加 --archive 可同时核对发文登记）"
        )?;
    }
    out.flush()?;
    let unsigned_but_registered = matches!(verdict.signatures, Signatures::None)
        && verdict.register.as_ref().is_some_and(|r| r.entry.is_some());
    let mut problems = Vec::new();
    if !registered {
        problems.push(format!(
            "{} 不是本档案库登记过的公文。文件可能被修改过，或者不是由本档案库发出的",
            args.file.display()
        ));
    }
    if !(signed_ok || unsigned_but_registered) {
        let detail = match &verdict.signatures {
            Signatures::Ofd(c) => format!("：{}", ofd_problem(c)),
            _ => "（见上面的说明）".to_string(),
        };
        problems.push(format!(
            "{} 的数字签名未通过核验{detail}：文件可能被修改过，或者不是签名发出的公文",
            args.file.display()
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("；"));
    }
    Ok(())
}

/// Signature `i` (from 0): who signed, and the certificate's subject,
/// serial and validity.
fn print_certificate(
    out: &mut impl Write,
    i: usize,
    who: &str,
    subject: &str,
    serial: &str,
    (from, until): (&str, &str),
) -> std::io::Result<()> {
    writeln!(out, "  签名{}：{who}", i + 1)?;
    writeln!(out, "    证书：{subject}")?;
    writeln!(out, "    序列号：{serial}，有效期 {from} 至 {until}")
}
