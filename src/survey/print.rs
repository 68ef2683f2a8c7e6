//! The printed copies: one A4 page per copy with its 问卷编号 and, when
//! `[survey] base_url` is set, a QR code (drawn as SVG paths) of its
//! one-time link; then the 发放登记表 listing the numbers per point with the
//! random-distribution guidance for the people who hand them out.

use serde::Serialize;

use super::SurveyError;
use super::copies::PrintedCopy;
use super::questionnaire::Questionnaire;
use crate::community::Community;
use crate::render::{DocMeta, Engine};

/// What the people who hand out copies are told.
pub const GUIDANCE: &[&str] = &[
    "1. 在每个考评点随机选择过往居民发放，不挑选熟人、社区工作人员或其亲属；同一户只发一份。",
    "2. 不要替居民填写，也不要提示答案；居民可以当场填写纸质问卷交回，也可以扫描二维码在手机上填写（二者选一，一份问卷只能答一次）。",
    "3. 问卷不记名，不要询问或记录姓名、电话、身份证号。",
    "4. 发放和回收的份数填在本表，交回的纸质问卷按编号整理后交县区或考评办公室录入。",
];

/// Path of a copy's answer page under the server's address.
pub fn link(base_url: &str, token: &str) -> String {
    format!("{}/q/{token}", base_url.trim_end_matches('/'))
}

/// A QR code of `text` as an SVG document.
pub fn qr_svg(text: &str) -> Result<String, SurveyError> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
        .map_err(|e| SurveyError::Request(format!("无法生成二维码：{e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

#[derive(Serialize)]
struct CopyData {
    number: String,
    point: String,
    qr: Option<String>,
    link: Option<String>,
}

#[derive(Serialize)]
struct Item {
    no: String,
    text: String,
    choices: Vec<String>,
}

#[derive(Serialize)]
struct PlanRow {
    point: String,
    count: usize,
    numbers: Vec<String>,
}

#[derive(Serialize)]
struct Data {
    title: String,
    intro: String,
    community: String,
    district: String,
    copies: Vec<CopyData>,
    questions: Vec<Item>,
    respondent: Vec<Item>,
    open: String,
    plan: Vec<PlanRow>,
    guidance: Vec<String>,
    hint: Option<String>,
    total: usize,
}

/// Renders the copies and the 发放登记表 into one PDF.
pub fn render(
    engine: &Engine,
    q: &Questionnaire,
    community: &Community,
    copies: &[PrintedCopy],
    base_url: Option<&str>,
    date: chrono::NaiveDate,
) -> Result<Vec<u8>, SurveyError> {
    let mut data_copies = Vec::new();
    for c in copies {
        let link = base_url.map(|b| link(b, &c.token));
        let qr = link.as_deref().map(qr_svg).transpose()?;
        data_copies.push(CopyData {
            number: c.number.clone(),
            point: c.point.clone(),
            qr,
            link,
        });
    }
    let mut plan: Vec<PlanRow> = Vec::new();
    for c in copies {
        match plan.iter_mut().find(|p| p.point == c.point) {
            Some(p) => p.numbers.push(c.number.clone()),
            None => plan.push(PlanRow {
                point: c.point.clone(),
                count: 0,
                numbers: vec![c.number.clone()],
            }),
        }
    }
    for p in &mut plan {
        p.count = p.numbers.len();
    }
    let data = Data {
        title: q.title.clone(),
        intro: q.intro.clone(),
        community: community.name.clone(),
        district: community.district.clone(),
        copies: data_copies,
        questions: q
            .questions
            .iter()
            .enumerate()
            .map(|(i, x)| Item {
                no: (i + 1).to_string(),
                text: x.text.clone(),
                choices: q.choices(&x.id).unwrap_or(&[]).to_vec(),
            })
            .collect(),
        respondent: q
            .respondent
            .iter()
            .map(|r| Item {
                no: r.id.clone(),
                text: r.text.clone(),
                choices: r.choices.clone(),
            })
            .collect(),
        open: q.open.text.clone(),
        plan,
        guidance: GUIDANCE.iter().map(|s| s.to_string()).collect(),
        hint: base_url.is_none().then(|| {
            "本次问卷没有印二维码：配置文件 kaoping.toml 中没有写网页服务的对外地址（[server] 的 public_url 或 [survey] 的 base_url），居民只能填写纸质问卷。".to_string()
        }),
        total: copies.len(),
    };
    let meta = DocMeta {
        title: format!("{}（{}）", q.title, community.name),
        author: community.name.clone(),
        date,
    };
    Ok(engine.render("wenjuan", &data, &meta)?)
}
