//! `kaoping survey print`: numbered copies (one page each, with a QR code)
//! and the 发放登记表, or only their links; every print takes new numbers.

use std::io::Write;
use std::path::Path;

use kaoping::actions::Ctx;
use kaoping::actions::survey::{self, PrintOrder};
use kaoping::render::Engine;
use kaoping::survey::copies::{self, PrintedCopy};
use kaoping::survey::{Questionnaire, print};
use kaoping::{fsutil, outfile};

use super::{Context, PrintArgs};
use crate::cli::output;

/// Prints the copies asked for and says where they are.
pub fn run(
    ctx: &Context,
    act: &Ctx,
    q: &Questionnaire,
    a: PrintArgs,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let s = &config.survey;
    let points = if a.point.is_empty() {
        s.points.clone()
    } else {
        a.point.clone()
    };
    let engine = Engine::for_archive(ctx.root().dir(), &ctx.config()?)?;
    let job = survey::print(
        act,
        PrintOrder {
            community: &a.community,
            copies: a.copies.unwrap_or(s.copies_per_community),
            points: &points,
            pdf: (!a.links_only).then_some((&engine, q)),
            base_url: s.base_url.as_deref(),
        },
    )?;
    let (first, last) = match (job.printed.first(), job.printed.last()) {
        (Some(f), Some(l)) => (f.number.clone(), l.number.clone()),
        _ => anyhow::bail!("没有印出任何问卷"),
    };
    let path = outfile::place(
        a.output.as_deref(),
        "pdf",
        &format!("问卷-{first}至{last}.pdf"),
    );
    // Checked before the numbers are recorded: nothing is overwritten and
    // no number is handed out for a file that cannot be written.
    check_targets(&path, job.pdf.is_some(), &a)?;
    let survey::Printed {
        community,
        printed,
        pdf,
    } = job.record()?;
    if let Some(pdf) = &pdf {
        outfile::write(&path, pdf, a.force)?;
    }
    if let Some(links) = &a.links {
        write_links(links, &printed, s.base_url.as_deref(), a.force)?;
    }
    let shown = match (&pdf, &a.links) {
        (None, Some(l)) => format!("只发放链接，见 {}", l.display()),
        _ => format!("见 {}", path.display()),
    };
    writeln!(
        out,
        "已为 {}（{}）发放 {} 份问卷：{first} 至 {last}，{shown}",
        community.name,
        community.id,
        printed.len(),
    )?;
    for (p, n) in copies::plan(printed.len() as u32, &points) {
        writeln!(out, "  {p}：{n} 份")?;
    }
    if s.base_url.is_none() {
        writeln!(
            out,
            "提示：kaoping.toml 没有写网页服务的对外地址（[server] 的 public_url 或 [survey] 的 base_url），问卷上没有印二维码，只能填写纸质问卷。"
        )?;
    }
    Ok(())
}

/// Refuses files that exist (without `--force`) and folders that cannot
/// be written.
fn check_targets(path: &Path, pdf: bool, a: &PrintArgs) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if pdf {
        outfile::refuse_existing(path, a.force)?;
        fsutil::create_dir_durable(dir)?;
    }
    if let Some(links) = &a.links {
        outfile::refuse_existing(links, a.force)?;
    }
    output::check_writable(dir)?;
    Ok(())
}

/// Writes each copy's number, point and link as CSV.
fn write_links(
    links: &Path,
    printed: &[PrintedCopy],
    base_url: Option<&str>,
    force: bool,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["问卷编号", "考评点", "答题链接"])?;
    for c in printed {
        let link = print::link(base_url.unwrap_or(""), &c.token);
        w.write_record([c.number.as_str(), c.point.as_str(), link.as_str()])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    outfile::write(links, &bytes, force)?;
    Ok(())
}
