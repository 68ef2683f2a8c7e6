//! Arguments and argument readings several commands share.

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
