//! Sheet reading and validation, on sheets built from the template.

use super::*;
use crate::assessment::Assessment;
use crate::community::CommunityKind;
use chrono::NaiveDate;

fn filled(verdict: &str) -> String {
    let bytes = template(Catalog::builtin(), Target::default());
    let text = String::from_utf8(bytes).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(line);
        } else {
            // Columns: 指标编号,指标名称,标准序号,标准内容,考评方法,结论,得分,考评人,考评日期,备注
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            let mut w = csv::Writer::from_writer(vec![]);
            let mut cells: Vec<String> = rec.iter().map(String::from).collect();
            cells[5] = verdict.into();
            cells[7] = "李四".into();
            cells[8] = "2026年11月20日".into();
            w.write_record(&cells).unwrap();
            out.push_str(
                String::from_utf8(w.into_inner().unwrap())
                    .unwrap()
                    .trim_end(),
            );
        }
        out.push('\n');
    }
    out
}

fn with_evidence(_: &str, _: u32) -> usize {
    1
}

fn no_evidence(_: &str, _: u32) -> usize {
    0
}

fn check(text: &str, evidence: &dyn Fn(&str, u32) -> usize) -> Result<Assessment, SheetError> {
    let path = Path::new("考评表.csv");
    let raw = read(path, text.as_bytes())?;
    let subject = Subject {
        kind: CommunityKind::Urban,
        evidence,
        community: None,
        level: None,
    };
    validate(path, raw, None, Catalog::builtin(), &subject)
}

fn problems(err: SheetError) -> Vec<Problem> {
    match err {
        SheetError::Invalid { problems, .. } => problems,
        other => panic!("expected Invalid, got {other}"),
    }
}

#[test]
fn template_has_one_row_per_standard_and_method() {
    let text = String::from_utf8(template(Catalog::builtin(), Target::default())).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let rows = text.lines().count() - 1;
    let pairs: usize = Catalog::builtin()
        .standards()
        .map(|(_, _, s)| s.methods.len())
        .sum();
    assert_eq!(rows, pairs);
    assert_eq!(pairs, 58); // 54 standards, Ⅱ-8's four have two methods each
}

#[test]
fn a_filled_template_imports_in_catalog_order() {
    let a = check(&filled("达标"), &with_evidence).unwrap();
    assert_eq!(a.results.len(), 58);
    assert_eq!(a.results[0].indicator, "Ⅱ-1");
    assert_eq!(a.results[0].date, NaiveDate::from_ymd_opt(2026, 11, 20));
    assert_eq!(a.assessors(), ["李四"]);
}

#[test]
fn gbk_sheet_is_read() {
    let text = filled("基本达标");
    let (gbk, _, _) = encoding_rs::GBK.encode(text.trim_start_matches('\u{feff}'));
    let path = Path::new("考评表.csv");
    let raw = read(path, &gbk).unwrap();
    let subject = Subject {
        kind: CommunityKind::Urban,
        evidence: &with_evidence,
        community: None,
        level: None,
    };
    let a = validate(path, raw, None, Catalog::builtin(), &subject).unwrap();
    assert!(a.results.iter().all(|r| r.verdict == Verdict::Partial));
}

#[test]
fn bad_rows_are_all_reported_with_their_line() {
    let mut text = filled("达标");
    text = text.replacen("Ⅱ-2,基层政府主导作用,2,", "Ⅱ-2,基层政府主导作用,3,", 1);
    text.push_str("Ⅱ-4,社会力量协同参与,1,,材料审核,达标,,,,\n");
    text.push_str("Ⅱ-1,党组织领导核心作用,1,,材料审核,达标,,,,\n");
    text.push_str("Ⅱ-99,,1,,材料审核,达标,,,,\n");
    let text = text.replacen(",问卷调查,达标,", ",问卷调查,,", 1);
    let p = problems(check(&text, &with_evidence).unwrap_err());
    let msgs: Vec<String> = p
        .iter()
        .map(|p| format!("{}：{}", p.place, p.message))
        .collect();
    let joined = msgs.join("\n");
    assert!(joined.contains("没有标准 3"), "{joined}");
    assert!(joined.contains("不用“材料审核”考评"), "{joined}");
    assert!(joined.contains("重复填写"), "{joined}");
    assert!(joined.contains("Ⅱ-99"), "{joined}");
    assert!(joined.contains("没有填写结论"), "{joined}");
    assert!(joined.contains("缺少 Ⅱ-2 标准2"), "{joined}");
    assert!(msgs.iter().any(|m| m.starts_with("第 61 行")), "{joined}");
}

#[test]
fn material_review_pass_needs_evidence_or_a_remark() {
    let p = problems(check(&filled("达标"), &no_evidence).unwrap_err());
    let material_rows: usize = Catalog::builtin()
        .standards()
        .filter(|(_, _, s)| s.needs_material())
        .count();
    assert_eq!(p.len(), material_rows);
    assert!(p[0].message.contains("没有任何证据材料"));
    // A remark overrides; 基本达标 needs no evidence.
    assert!(check(&filled("基本达标"), &no_evidence).is_ok());
}

#[test]
fn computed_verdicts_fill_blanks_and_catch_contradictions() {
    let path = Path::new("考评表.toml");
    let mut text = String::from("[facts]\n\"社区社会组织数\" = 12\n");
    for (_, ind, s) in Catalog::builtin().standards() {
        for m in &s.methods {
            let verdict = if ind.code == "Ⅱ-4" && s.number == 1 {
                ""
            } else {
                "达标"
            };
            text.push_str(&format!(
                "[[results]]\nindicator = \"{}\"\nstandard = {}\nmethod = \"{}\"\nverdict = \"{verdict}\"\n",
                ind.code, s.number, m
            ));
        }
    }
    let subject = Subject {
        kind: CommunityKind::Urban,
        evidence: &with_evidence,
        community: None,
        level: None,
    };
    let a = validate(
        path,
        read(path, text.as_bytes()).unwrap(),
        None,
        Catalog::builtin(),
        &subject,
    )
    .unwrap();
    let r = a
        .results
        .iter()
        .find(|r| r.indicator == "Ⅱ-4" && r.standard == 1)
        .unwrap();
    assert_eq!(r.verdict, Verdict::Pass);
    let fewer = Facts {
        social_organisations: Some(3),
        ..Facts::default()
    };
    let text = text.replace("verdict = \"\"", "verdict = \"达标\"");
    let err = validate(
        path,
        read(path, text.as_bytes()).unwrap(),
        Some(fewer),
        Catalog::builtin(),
        &subject,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("不一致") && err.contains("社区社会组织 3 个"),
        "{err}"
    );
}

#[test]
fn missing_columns_and_unknown_format_are_explained() {
    let err = check("指标编号,标准序号\nⅡ-1,1\n", &with_evidence)
        .unwrap_err()
        .to_string();
    assert!(err.contains("缺少列：考评方法、结论"), "{err}");
    let err = read(Path::new("表.txt"), b"x").unwrap_err().to_string();
    assert!(err.contains(".csv") && err.contains(".xlsx"), "{err}");
    let err = read(Path::new("表.xlsx"), b"x").unwrap_err().to_string();
    assert!(err.contains("纯文本"), "{err}");
}

#[test]
fn formula_cells_are_neutralised() {
    assert_eq!(csv_safe("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    assert_eq!(csv_safe("+1"), "'+1");
    assert_eq!(csv_safe("正常"), "正常");
}

#[test]
fn bad_fact_years_are_reported() {
    let mut facts = Facts::default();
    facts.certified_social_workers.insert("去年".into(), 3);
    let path = Path::new("考评表.csv");
    let raw = read(path, filled("达标").as_bytes()).unwrap();
    let subject = Subject {
        kind: CommunityKind::Urban,
        evidence: &with_evidence,
        community: None,
        level: None,
    };
    let err = validate(path, raw, Some(facts), Catalog::builtin(), &subject)
        .unwrap_err()
        .to_string();
    assert!(err.contains("年份“去年”无效"), "{err}");
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
                                   ext in proptest::sample::select(vec!["csv", "toml", "json"])) {
        let path = std::path::PathBuf::from(format!("表.{ext}"));
        if let Ok(raw) = read(&path, &bytes) {
            let subject = Subject { kind: CommunityKind::Urban, evidence: &with_evidence, community: None, level: None };
            let _ = validate(&path, raw, None, Catalog::builtin(), &subject);
        }
    }
}
