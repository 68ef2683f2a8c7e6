//! Arguments and argument readings several commands share.

use std::path::PathBuf;

/// 以 JSON 格式输出 only.
#[derive(Debug, clap::Args)]
pub struct Json {
    /// 以 JSON 格式输出
    #[arg(long)]
    pub json: bool,
}

/// A community.
#[derive(Debug, clap::Args)]
pub struct Community {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    pub community: String,
}

/// A community's submission, the latest unless a version is given.
#[derive(Debug, clap::Args)]
pub struct Submission {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    pub community: String,
    /// 第几版提交（默认最新一版）
    #[arg(long, value_name = "版本")]
    pub version: Option<u32>,
}

/// A community, and 以 JSON 格式输出.
#[derive(Debug, clap::Args)]
pub struct CommunityJson {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    pub community: String,
    /// 以 JSON 格式输出
    #[arg(long)]
    pub json: bool,
}

/// The district's full name in Attachment 1 for a name or short name
/// given on the command line.
pub fn district_name(given: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(d) = given else {
        return Ok(None);
    };
    Ok(Some(
        kaoping::districts::DistrictTable::builtin()
            .find(d)?
            .name
            .clone(),
    ))
}

/// `-o 文件.xlsx [--force]`: a workbook to write.
#[derive(Debug, clap::Args)]
pub struct OutXlsx {
    /// 输出文件（.xlsx）
    #[arg(short = 'o', long = "out", value_name = "文件")]
    pub out: PathBuf,
    /// 已有同名文件时覆盖它
    #[arg(long)]
    pub force: bool,
}
