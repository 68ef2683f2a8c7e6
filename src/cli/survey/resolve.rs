//! `kaoping survey resolve`: one clerk's entry taken as a copy's answer.

use std::io::Write;

use kaoping::actions::{Ctx, survey};

/// Takes `clerk`'s entry as the answer of copy `number`.
pub fn run(act: &Ctx, number: &str, clerk: &str, out: &mut impl Write) -> anyhow::Result<()> {
    let (number, _) = kaoping::survey::number::parse(number)?;
    let a = survey::resolve(act, &number, clerk)?;
    writeln!(
        out,
        "已采用 {clerk} 的录入作为问卷 {} 的答卷{}",
        a.number,
        a.invalid.map(|r| format!("（{r}）")).unwrap_or_default()
    )?;
    Ok(())
}
