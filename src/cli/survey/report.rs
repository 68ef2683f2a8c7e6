//! `kaoping survey report`: the 问卷调查统计表 of communities, a district
//! or the whole city, issued as documents.

use kaoping::actions::survey_report::{self, Areas};
use kaoping::survey::Questionnaire;

use super::Context;
use crate::cli::batch::{self, Output};

/// Issues the statistics sheets of `community`, or of `district` (or
/// the whole city with `all`), into `output`.
pub fn run(
    ctx: &Context,
    q: &Questionnaire,
    (communities, district, all): (&[String], Option<String>, bool),
    output: &Output,
) -> anyhow::Result<()> {
    let areas = Areas {
        communities,
        district: district.as_deref(),
        all,
    };
    let date = output.date();
    batch::issue_through(ctx, output, |act, making, folder| {
        survey_report::report(act, making, q, areas, date, folder)
    })
    .map(drop)
}
