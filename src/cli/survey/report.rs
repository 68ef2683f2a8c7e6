//! `kaoping survey report`: the 问卷调查统计表 of communities, a district
//! or the whole city, issued as documents.

use kaoping::archive::Archive;
use kaoping::documents::survey as document;
use kaoping::survey::state::Survey;
use kaoping::survey::{Questionnaire, stats};

use super::Context;
use crate::cli::batch::{self, Output};

/// Issues the statistics sheets of `community`, or of `district` (or
/// the whole city with `all`), into `output`.
pub fn run(
    ctx: &Context,
    archive: &Archive,
    q: &Questionnaire,
    (community, district, all): (&[String], Option<String>, bool),
    output: &Output,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let roster = archive.communities()?;
    let survey = Survey::load(archive)?;
    let issuer = kaoping::documents::Issuer::default_of(&config);
    let mut drafts = Vec::new();
    if all || district.is_some() {
        let area = district.clone().unwrap_or_else(|| "昆明市".to_string());
        let members: Vec<(&str, &str)> = roster
            .all()
            .filter(|c| district.as_deref().is_none_or(|d| c.district == d))
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .collect();
        if members.is_empty() {
            anyhow::bail!("{area}没有登记的试点社区");
        }
        let t = stats::tally_area(&survey, q, &config.survey, &area, &members);
        drafts.push(document::build_area(&issuer, &area, &t, output.date()));
    }
    for id in community {
        let c = roster.get(id)?;
        let t = stats::tally(&survey, q, &config.survey, &c.id);
        drafts.push(document::build(&issuer, c, &t, output.date()));
    }
    let lock = batch::lock(archive, output)?;
    batch::issue_and_write(ctx, archive, &lock, drafts, output)?;
    Ok(())
}
