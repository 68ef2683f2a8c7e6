//! `kaoping survey show`: each question, its standard and its choices.

use std::io::Write;

use kaoping::survey::Questionnaire;

/// Prints the questionnaire (as JSON with `json`).
pub fn run(out: &mut impl Write, q: &Questionnaire, json: bool) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, q)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{}\n\n{}\n", q.title, q.intro)?;
    for x in &q.questions {
        let choices = q.choices(&x.id).unwrap_or(&[]);
        writeln!(
            out,
            "{}（考评标准 {}）{}",
            x.id,
            x.standard.replace('/', " 标准"),
            x.text
        )?;
        writeln!(out, "    {}", numbered(choices))?;
    }
    writeln!(out, "\n受访者情况（不记名）：")?;
    for r in &q.respondent {
        writeln!(out, "{} {}", r.id, r.text)?;
        writeln!(out, "    {}", numbered(&r.choices))?;
    }
    writeln!(out, "\n{} {}", q.open.id, q.open.text)?;
    Ok(())
}

fn numbered(choices: &[String]) -> String {
    choices
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {c}", i + 1))
        .collect::<Vec<_>>()
        .join("  ")
}
