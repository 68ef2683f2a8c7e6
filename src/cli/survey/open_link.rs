//! `kaoping survey open-link`: a point's open link (no copy number),
//! enabled or ended.

use std::io::Write;
use std::path::Path;

use kaoping::actions::{Ctx, survey};
use kaoping::survey::stats::{Tally, percent};

use super::Context;

/// Enables (or with `off` ends) the open link of a community's point and
/// prints the link; with `qr` also saves its QR code.
pub fn run(
    ctx: &Context,
    act: &Ctx,
    (community, point): (&str, &str),
    off: bool,
    qr: Option<(&Path, bool)>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    if let Some((file, force)) = qr {
        kaoping::outfile::refuse_existing(file, force)?;
    }
    let Some(token) = survey::open_link(act, community, point, off)? else {
        writeln!(out, "已停用社区 {community} 考评点“{point}”的开放链接")?;
        return Ok(());
    };
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
                let svg = kaoping::survey::print::qr_svg(&link)?;
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
pub fn text(out: &mut impl Write, t: &Tally) -> anyhow::Result<()> {
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
