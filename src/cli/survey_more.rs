//! The double-entry and open-link parts of `kaoping survey`: paper import
//! as one clerk's entries, `mismatches`, `resolve` and `open-link`.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

use kaoping::archive::{Archive, ArchiveError};
use kaoping::survey::answer::Rules;
use kaoping::survey::double::{self, Outcome};
use kaoping::survey::state::Survey;
use kaoping::survey::stats::{Tally, percent};
use kaoping::survey::{open, paper, print};

use super::super::{Context, wait_message};

/// Imports a table of paper answers as `clerk`'s entries under double
/// entry: copies count once a second clerk's entry agrees.
pub fn import_double(
    archive: &Archive,
    rules: Rules<'_>,
    file: &Path,
    clerk: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let Some(clerk) = clerk.map(str::trim).filter(|c| !c.is_empty()) else {
        anyhow::bail!(
            "kaoping.toml 中开启了双录入（[survey] double_entry = true）：请用 --clerk 写明录入员，两位不同录入员的录入一致后才计入"
        );
    };
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let lock = archive.lock(true, wait_message)?;
    let records = paper::check(archive, rules, file, &bytes)?;
    let survey = Survey::load(archive)?;
    let mut events = Vec::new();
    let (mut counted, mut waiting, mut differ) = (0, 0, Vec::new());
    for r in records {
        let number = r.number.clone();
        let (ev, outcome) = double::enter(&survey, r, clerk)?;
        events.extend(ev);
        match outcome {
            Outcome::Counted => counted += 1,
            Outcome::Waiting => waiting += 1,
            Outcome::Mismatch(_) => differ.push(number),
        }
    }
    archive
        .log()
        .append_all(&lock, events)
        .map_err(ArchiveError::from)?;
    writeln!(
        out,
        "{clerk} 录入 {} 份：与另一位录入员一致、已计入 {counted} 份，等待第二遍录入 {waiting} 份，不一致待核对 {} 份",
        counted + waiting + differ.len(),
        differ.len()
    )?;
    for n in differ {
        writeln!(out, "  不一致：{n}（用 kaoping survey mismatches 查看）")?;
    }
    Ok(())
}

/// Lists the copies of `community` whose entries disagree.
pub fn mismatches(
    archive: &Archive,
    community: &str,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let survey = Survey::load(archive)?;
    let list = double::mismatches(&survey, Some(community));
    if json {
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    if list.is_empty() {
        writeln!(out, "社区 {community} 没有待核对的双录入问卷")?;
    }
    for m in &list {
        writeln!(out, "问卷 {}：不一致的题 {}", m.number, m.differ.join("、"))?;
        for e in &m.entries {
            let items: Vec<String> = m
                .differ
                .iter()
                .map(|k| match e.answer.answers.get(k) {
                    Some(v) => format!("{k}={v}"),
                    None if k == "意见建议" => format!("{k}=“{}”", e.answer.open),
                    None => format!("{k}=（未填）"),
                })
                .collect();
            writeln!(out, "  {}：{}", e.clerk, items.join("，"))?;
        }
    }
    Ok(())
}

/// Takes `clerk`'s entry as the answer of copy `number`.
pub fn resolve(
    archive: &Archive,
    number: &str,
    clerk: &str,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let (number, _) = kaoping::survey::number::parse(number)?;
    let lock = archive.lock(true, wait_message)?;
    let survey = Survey::load(archive)?;
    let a = double::resolve(archive, &lock, &survey, &number, clerk)?;
    writeln!(
        out,
        "已采用 {clerk} 的录入作为问卷 {} 的答卷{}",
        a.number,
        a.invalid.map(|r| format!("（{r}）")).unwrap_or_default()
    )?;
    Ok(())
}

/// Enables (or with `off` ends) the open link of a community's point and
/// prints the link.
pub fn open_link(
    ctx: &Context,
    archive: &Archive,
    community: &str,
    point: &str,
    off: bool,
    qr: Option<(&Path, bool)>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    if let Some((file, force)) = qr {
        kaoping::outfile::refuse_existing(file, force)?;
    }
    archive.communities()?.get(community)?;
    let lock = archive.lock(true, wait_message)?;
    if off {
        open::disable(archive, &lock, community, point)?;
        writeln!(out, "已停用社区 {community} 考评点“{point}”的开放链接")?;
        return Ok(());
    }
    let token = open::enable(archive, &lock, community, point)?;
    let path = format!("/q/open/{token}");
    writeln!(
        out,
        "已开通社区 {community} 考评点“{point}”的开放链接（原有链接停用）："
    )?;
    match config.survey.base_url.as_deref() {
        Some(base) => {
            let link = format!("{}{path}", base.trim_end_matches('/'));
            writeln!(out, "  链接：{link}")?;
            if let Some((file, force)) = qr {
                let svg = print::qr_svg(&link)?;
                kaoping::outfile::write(file, svg.as_bytes(), force)?;
                writeln!(
                    out,
                    "  二维码：{}（可印在海报上张贴于考评点）",
                    file.display()
                )?;
            }
        }
        None => writeln!(
            out,
            "  路径：{path}（kaoping.toml 中没有写 [server] public_url，请在前面加上网页服务的对外地址）"
        )?,
    }
    writeln!(
        out,
        "  每台设备 {} 小时内限答一次；答卷渠道记为“开放链接”，统计时单独列出，可信度低于编号问卷",
        config.survey.open_link_hours
    )?;
    Ok(())
}

/// The open-link lines of `kaoping survey tally`.
pub fn open_link_text(out: &mut impl Write, t: &Tally) -> anyhow::Result<()> {
    writeln!(
        out,
        "\n开放链接答卷（较低可信度，单独统计）：回收 {} 份，有效 {} 份",
        t.returned, t.valid
    )?;
    for s in &t.standards {
        let rate = s.rate.map_or("—".to_string(), percent);
        writeln!(
            out,
            "  {} 标准{}：满意率 {rate}（{}/{}）",
            s.indicator, s.standard, s.hits, s.n
        )?;
    }
    Ok(())
}
