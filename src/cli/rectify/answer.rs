//! `kaoping rectify answer`: the community answers an item, with
//! evidence files.

use std::path::PathBuf;

use anyhow::bail;

use kaoping::actions::rectify;
use kaoping::archive::Archive;
use kaoping::rectify::act::Evidence;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct AnswerArgs {
    /// 整改事项编号，如 ZG001
    #[arg(value_name = "事项")]
    item: String,
    /// 整改措施和结果
    #[arg(long, value_name = "文字")]
    text: String,
    /// 证明材料文件（可重复）
    #[arg(long = "file", value_name = "文件")]
    files: Vec<PathBuf>,
}

pub(super) fn answer(archive: &Archive, a: AnswerArgs) -> anyhow::Result<()> {
    let community = kaoping::rectify::act::community_of(archive, &a.item)?;
    let mut files = Vec::new();
    for p in &a.files {
        let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            bail!("{} 不是文件", p.display());
        };
        files.push(Evidence { name, path: p });
    }
    let act = super::console(archive, false);
    let ans = rectify::answer(&act, &community, &a.item, &a.text, &files)?;
    println!(
        "已答复整改事项 {}（{}，第 {} 次答复，证明材料 {} 份），等待复查。",
        ans.id,
        community,
        ans.version,
        ans.files.len()
    );
    Ok(())
}
