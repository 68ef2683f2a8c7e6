//! The 问卷调查统计表 issued as documents (the office's): one for each
//! community asked for, and one for a district or the whole city, drafted
//! from the answers as they stand when the numbers are given.

use chrono::NaiveDate;

use super::documents::{self, Delivery, Issuing, Making};
use super::{ActionError, Ctx};
use crate::archive::Archive;
use crate::config::Config;
use crate::documents::survey as document;
use crate::issuance::Draft;
use crate::survey::state::Survey;
use crate::survey::{Questionnaire, stats};

/// Which statistics sheets to issue.
#[derive(Debug, Clone, Copy)]
pub struct Areas<'a> {
    /// One sheet for each of these communities.
    pub communities: &'a [String],
    /// One sheet for this district's communities together.
    pub district: Option<&'a str>,
    /// One sheet for the whole city (when no district is named).
    pub all: bool,
}

/// Issues the statistics sheets of `areas` under questionnaire `q`,
/// dated `date`, through `delivery`.
pub fn report(
    ctx: &Ctx,
    making: Making,
    q: &Questionnaire,
    areas: Areas,
    date: NaiveDate,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    ctx.office_only()?;
    documents::issue_with(ctx, making, delivery, &|| {
        Ok(drafts(ctx.archive, making.config, q, areas, date)?.into())
    })
}

/// The sheets of `areas` as the answers stand now.
fn drafts(
    archive: &Archive,
    config: &Config,
    q: &Questionnaire,
    areas: Areas,
    date: NaiveDate,
) -> Result<Vec<Draft>, ActionError> {
    let roster = archive.communities()?;
    let survey = Survey::load(archive)?;
    let issuer = crate::documents::Issuer::default_of(config);
    let mut drafts = Vec::new();
    if areas.all || areas.district.is_some() {
        let area = areas.district.unwrap_or("昆明市");
        let members: Vec<(&str, &str)> = roster
            .all()
            .filter(|c| areas.district.is_none_or(|d| c.district == d))
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .collect();
        if members.is_empty() {
            return Err(ActionError::Invalid(format!("{area}没有登记的试点社区")));
        }
        let t = stats::tally_area(&survey, q, &config.survey, area, &members);
        drafts.push(document::build_area(&issuer, area, &t, date));
    }
    for id in areas.communities {
        let c = roster.get(id)?;
        let t = stats::tally(&survey, q, &config.survey, &c.id);
        drafts.push(document::build(&issuer, c, &t, date));
    }
    Ok(drafts)
}
