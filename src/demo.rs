//! `kaoping demo`: the whole flow on sample data, for a first look and as
//! the README's main command. Creates an archive, registers sample pilot
//! communities in different districts through 申报 and approval, writes
//! and ingests their evidence folders, imports assessment sheets at each
//! level (社区自查, 县区初评, 专家评估, final; one excellent, one needing
//! rectification, one with missing evidence), records the expert's
//! 实地考评 with photos, a grid export and media captures, and issues
//! every document into an output folder.

mod inspection;
mod phases;
mod rectify;
mod seal;
mod street;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::accounts::Role;
use crate::actions::ActionError;
use crate::archive::Archive;
use crate::archive::ingest::{IngestOptions, ingest};
use crate::archive::zipin::ZipLimits;
use crate::assessment::level::Level;
use crate::assessment::store;
use crate::catalog::{Catalog, Method};
use crate::community::Community;
use crate::config::Config;
use crate::documents;
use crate::issuance::{self, Issued};
use crate::meter::Meter;
use crate::render::Engine;
use crate::root::{ArchiveRoot, InitError};

/// Why the demo stopped: what only the demo does (creating its archive,
/// writing sample files, the survey script), or else the error the action
/// taking that step would give (see the `From` impl below).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Creating the archive.
    #[error(transparent)]
    Init(#[from] InitError),
    /// The distributed setup could not be prepared.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    /// The survey (问卷调查).
    #[error(transparent)]
    Survey(#[from] crate::survey::demo::SurveyDemoError),
    /// A step of the flow, refused as its action would refuse it.
    #[error(transparent)]
    Step(ActionError),
    /// The demo folder already holds an archive.
    #[error("{path} 里已经有演示档案库了。请换一个文件夹，或先删除它再运行")]
    Exists {
        /// The archive folder.
        path: PathBuf,
    },
    /// Writing sample files.
    #[error("无法写入 {path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// A domain error met in a step converts the way `ActionError` takes it,
/// so the demo lists no domain error of its own.
impl<E: Into<ActionError>> From<E> for DemoError {
    fn from(e: E) -> Self {
        DemoError::Step(e.into())
    }
}

/// What the demo produced.
#[derive(Debug)]
pub struct Summary {
    /// The demo archive.
    pub archive: PathBuf,
    /// The folder with the documents.
    pub output: PathBuf,
    /// Every document issued, in order.
    pub documents: Vec<(String, String, PathBuf)>,
    /// Sample web accounts: name, password, what it may do.
    pub accounts: Vec<(String, String, String)>,
    /// What the survey did, one line per community.
    pub survey: String,
    /// 归档 and 移交.
    pub records: crate::records::demo::Demo,
}

/// Sample web accounts (name, password, role, community or district),
/// for trying `kaoping serve` on the demo archive only.
const ACCOUNTS: [(&str, &str, Role, Option<&str>); 5] = [
    ("kaopingban", "demo-office-2019", Role::Office, None),
    ("cuihu", "demo-cuihu-2019", Role::Community, Some("WH-001")),
    ("wuhua", "demo-wuhua-2019", Role::District, Some("五华区")),
    ("zhuanjia", "demo-expert-2019", Role::Expert, None),
    ("zhuanjia2", "demo-expert2-2019", Role::Expert, None),
];

/// The sample expert who assesses `community`: the first expert the
/// community assigned to it, the second every other sample community.
fn expert_of(community: &str) -> &'static str {
    match community == EXPERT_COMMUNITY {
        true => ACCOUNTS[3].0,
        false => ACCOUNTS[4].0,
    }
}

/// The sample community assigned to the sample expert.
const EXPERT_COMMUNITY: &str = "WH-001";

/// The sample communities: id, name, district, type, and how their
/// assessment goes.
const SAMPLES: [(&str, &str, &str, &str, Outcome); 3] = [
    (
        "WH-001",
        "翠湖社区",
        "五华区",
        "城市社区",
        Outcome::Excellent,
    ),
    ("PL-002", "金星社区", "盘龙区", "城市社区", Outcome::Rectify),
    (
        "CG-003",
        "斗南社区",
        "呈贡区",
        "“村改居”社区",
        Outcome::MissingEvidence,
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Excellent,
    Rectify,
    MissingEvidence,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs the demo in `dir` (archive in `dir/archive`, documents in
/// `dir/output`). The story is fixed in the autumn of 2019 so the output
/// is the same on every run, and it keeps one clock
/// ([`crate::clock::Story`]): everything it records — applications,
/// submissions, sheets, photos and on-site records, answers, documents —
/// is recorded on the day the story is at, and nothing is dated after it.
pub fn run(dir: &Path, progress: &dyn Meter) -> Result<Summary, DemoError> {
    run_on(dir, None, progress)
}

/// [`run`] with the demo archive in a distributed setup (`storage`) when
/// given: the same flow, its bytes in the database and the bucket.
pub fn run_on(
    dir: &Path,
    storage: Option<&crate::storage::StorageConfig>,
    progress: &dyn Meter,
) -> Result<Summary, DemoError> {
    let catalog = Catalog::builtin();
    let root = ArchiveRoot::new(dir.join("archive"));
    if root.config_path().exists() {
        return Err(DemoError::Exists {
            path: root.dir().to_path_buf(),
        });
    }
    match storage {
        None => {
            root.init()?;
        }
        Some(s) => {
            crate::root::setup::init(&root, s)?;
        }
    }
    let mut config = Config::default();
    seal::install(&root, &mut config)?;
    let archive = Archive::new(root.dir());
    let day = |m, d| NaiveDate::from_ymd_opt(2019, m, d).unwrap_or_default();
    let (applied, handed_in) = (day(10, 8), day(10, 15));
    let date = day(11, 29);
    let assessed = day(11, 20);
    let story = crate::clock::Story::begin(chrono::Utc::now());

    // 1. 申报: each district applies for its sample community, and the
    // office approves it, which registers it; the web accounts are opened.
    story.at(applied, 9);
    let communities = apply_and_approve(&archive)?;
    story.at(applied, 10);
    let accounts = add_accounts(&archive, &communities)?;
    // 1a. 试点创建: a 专项督查, its 通报, and the problem fixed.
    let engine = Engine::for_archive(root.dir(), &config)?;
    let inspected = inspection::run(
        &archive,
        (&engine, &config, &story),
        &dir.join("整改材料"),
        day(10, 10),
        progress,
    )?;
    // 2. Evidence folders, ingested.
    story.at(handed_in, 10);
    hand_in_evidence(&archive, catalog, &dir.join("材料"), &communities, progress)?;
    // 3. Assessment sheets, imported on the day of the assessment.
    story.at(assessed, 17);
    import_sheets(
        &archive,
        catalog,
        &dir.join("考评表"),
        &communities,
        assessed,
    )?;
    // 3a. The expert's 实地考评 that day (photos, on-site records) and the
    // 网络（媒体）调查 evidence.
    story.at(assessed, 19);
    let lock = archive.lock(true, |_| {})?;
    field_evidence(
        &archive,
        &lock,
        &config,
        &dir.join("实地考评"),
        &communities,
    )?;
    drop(lock);
    // 3b. 问卷调查: copies printed, answered on paper and on the web,
    // tallied, the verdicts recorded as the final 问卷调查 rows.
    story.at(date, 9);
    let survey = crate::survey::demo::run(
        &archive,
        &engine,
        &config,
        &communities,
        &dir.join("问卷"),
        date,
    )?;
    // 4. Every document, the rectification after it on its own days.
    story.at(date, 15);
    let output = dir.join("output");
    fs::create_dir_all(&output).map_err(io(&output))?;
    let lock = archive.lock(true, |_| {})?;
    let issued = issue_all(
        &archive,
        &lock,
        (&engine, &config, &story),
        (date, &dir.join("整改材料")),
        progress,
    )?;
    drop(lock);
    // 5. 第二阶段 opened after 第一阶段's 命名, the day of the last document.
    let last = issued.last().map_or(date, |d| d.record.date);
    phases::run(&archive, &story, &dir.join("阶段任务"), last)?;
    drop(story);
    let mut documents = Vec::new();
    for doc in std::iter::once(inspected).chain(issued) {
        let path = output.join(&doc.record.file_name);
        crate::outfile::write(&path, &doc.pdf, true).map_err(|e| DemoError::Io {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        documents.push((doc.record.number, doc.record.kind.to_string(), path));
    }
    // 5. 街道（乡镇）: the register names 翠湖社区's 街道, which hands in
    // the evidence of its standards once.
    let mut accounts = accounts;
    accounts.push(street::run(&archive, &dir.join("街道材料"))?);
    // 6. 归档 and 移交: 第一阶段 filed, transferred and checked.
    let records = crate::records::demo::run(&archive, &config, &engine, dir, progress)?;
    Ok(Summary {
        archive: root.dir().to_path_buf(),
        output,
        documents,
        accounts,
        survey,
        records,
    })
}

/// The 实地考评 and 网络（媒体）调查 evidence of the community assigned
/// to the sample expert ([`crate::field::demo`]).
fn field_evidence(
    archive: &Archive,
    lock: &crate::archive::lock::WriterLock,
    config: &Config,
    dir: &Path,
    communities: &[Community],
) -> Result<(), DemoError> {
    let accounts = crate::accounts::Accounts::load(archive.root())?;
    let (Some(c), Some(expert), Some(office)) = (
        communities.iter().find(|c| c.id == EXPERT_COMMUNITY),
        accounts.get(ACCOUNTS[3].0),
        accounts.get(ACCOUNTS[0].0),
    ) else {
        return Ok(());
    };
    crate::field::demo::run(archive, lock, config, dir, c, (expert, office))?;
    Ok(())
}

/// Writes each sample community's evidence folder under `dir` and
/// ingests it.
fn hand_in_evidence(
    archive: &Archive,
    catalog: &Catalog,
    dir: &Path,
    communities: &[Community],
    progress: &dyn Meter,
) -> Result<(), DemoError> {
    for (c, sample) in communities.iter().zip(SAMPLES) {
        let folder = dir.join(format!("{}-{}", c.id, c.name));
        write_evidence(catalog, &folder, c, sample.4)?;
        let options = IngestOptions {
            community: c.id.clone(),
            submitter: Some("社区工作人员".into()),
            wait: true,
            limits: ZipLimits::default(),
            reserve: crate::archive::ingest::DEFAULT_RESERVE,
            source_name: None,
            allow_identical: false,
        };
        ingest(archive, catalog, &folder, &options, progress, |_| {})?;
    }
    Ok(())
}

/// Opens the sample web accounts (each sample community assigned to one
/// of the two sample experts, so that each has an 专家评估 before its
/// final result);
/// returns name, password and what each may do.
fn add_accounts(
    archive: &Archive,
    communities: &[Community],
) -> Result<Vec<(String, String, String)>, DemoError> {
    let lock = archive.lock(true, |_| {})?;
    let mut accounts = Vec::new();
    for (name, password, role, place) in ACCOUNTS {
        let binding = match role {
            Role::District => crate::accounts::Binding {
                district: place,
                ..Default::default()
            },
            _ => crate::accounts::Binding {
                community: place,
                ..Default::default()
            },
        };
        crate::accounts::add(archive, &lock, name, role, binding, password)?;
        let what = match role {
            Role::Office => "考评办（查看全部、生成公文）".to_string(),
            Role::Community => format!("社区 {}", place.unwrap_or_default()),
            Role::District => format!("县（市）区 {}（查看本县区社区）", place.unwrap_or_default()),
            Role::Street => format!("街道（乡镇） {}", place.unwrap_or_default()),
            Role::Expert => {
                let assigned: Vec<String> = communities
                    .iter()
                    .filter(|c| expert_of(&c.id) == name)
                    .map(|c| c.id.clone())
                    .collect();
                crate::accounts::assign(archive, &lock, name, &assigned)?;
                format!("专家（分配到社区 {}）", assigned.join("、"))
            }
        };
        accounts.push((name.to_string(), password.to_string(), what));
    }
    Ok(accounts)
}

/// Writes each sample community's filled sheet under `dir` and imports
/// it with the community's facts.
fn import_sheets(
    archive: &Archive,
    catalog: &Catalog,
    dir: &Path,
    communities: &[Community],
    assessed: NaiveDate,
) -> Result<(), DemoError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    for (c, sample) in communities.iter().zip(SAMPLES) {
        let path = dir.join(format!("{}-{}-考评表.csv", c.id, c.name));
        fs::write(&path, sheet(catalog, sample.4, assessed)).map_err(io(&path))?;
        let facts = facts(sample.4);
        let lock = archive.lock(true, |_| {})?;
        // 评估验收 in its levels: 社区自查, 县区初评, 专家评估, then the
        // city's final result — for WH-001 the 专家组's aggregate, for the
        // others a final sheet of the office's own.
        let panel = c.id == EXPERT_COMMUNITY;
        let mut levels = vec![
            (Level::SelfCheck, None),
            (Level::District, None),
            (Level::Expert, Some(expert_of(&c.id))),
        ];
        if !panel {
            levels.push((Level::Final, None));
        }
        for (level, expert) in levels {
            let at = store::At {
                level,
                expert,
                by: None,
            };
            store::import_at(archive, &lock, catalog, c, &path, Some(facts.clone()), at)?;
        }
        if panel {
            let rule = crate::config::Config::default().assessment.aggregate;
            crate::assessment::finalize::finalize(archive, &lock, &c.id, rule)?;
        }
    }
    Ok(())
}

/// Applies for every sample community and approves each application.
fn apply_and_approve(archive: &Archive) -> Result<Vec<Community>, DemoError> {
    use crate::application::{self, Proposal};
    let lock = archive.lock(true, |_| {})?;
    let proposals = SAMPLES
        .iter()
        .map(|(_, name, district, kind, _)| {
            Proposal::new(
                district,
                name,
                kind,
                "第一阶段",
                "社区党组织坚强有力，居民参与度高，具备创建试点的基础",
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let records = application::submit(archive, &lock, proposals)?;
    let mut out = Vec::new();
    for (r, sample) in records.iter().zip(SAMPLES) {
        out.push(application::approve(
            archive, &lock, r.number, sample.0, None,
        )?);
    }
    Ok(out)
}

/// Drafts and issues every document, as the commands and the web do:
/// every community of the archive, each kind left out where it does not
/// apply; then the rectification, the 命名决定 with its certificates and
/// the 督办通知 ([`rectify::run`]); the progress table last.
fn issue_all(
    archive: &Archive,
    lock: &crate::archive::lock::WriterLock,
    (engine, config, story): (&Engine, &Config, &crate::clock::Story),
    (date, rectify_dir): (NaiveDate, &Path),
    progress: &dyn Meter,
) -> Result<Vec<Issued>, DemoError> {
    use documents::batch::{self, Kind, Scope};
    let deadline = date + chrono::Days::new(16);
    let mut drafts = Vec::new();
    // The real order: notices first; naming waits for the rectification.
    for kind in [
        Kind::Receipt { version: None },
        // The sample district reports its 初评 upward (an 上行文 with its
        // own 发文字号 and a sample 签发人).
        Kind::Preliminary {
            district: "五华区".into(),
            signer: Some("李明".into()),
        },
        Kind::Report,
        Kind::Notice { deadline },
    ] {
        match batch::draft(archive, config, &kind, &Scope::All, date) {
            Ok(d) => drafts.extend(d.drafts),
            Err(batch::BatchError::Nothing(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    drafts.extend(crate::documents::survey::drafts(archive, config, date)?);
    let summary = Kind::Applications { district: None };
    drafts.extend(batch::draft(archive, config, &summary, &Scope::All, date)?.drafts);
    let mut issued = crate::documents::issue(archive, lock, engine, drafts, progress)?;
    let (more, last) = rectify::run(
        archive,
        lock,
        (engine, config, story),
        rectify_dir,
        (date, deadline),
        progress,
    )?;
    issued.extend(more);
    let kind = Kind::Progress {
        phase: Some(crate::community::Batch::First),
    };
    let table = batch::draft(archive, config, &kind, &Scope::All, last)?;
    issued.extend(issuance::issue(
        archive,
        lock,
        engine,
        table.drafts,
        progress,
        &crate::rectify::follow_batch,
    )?);
    Ok(issued)
}

/// Indicators whose evidence the third sample community never hands in.
const MISSING: [u32; 7] = [2, 3, 5, 8, 12, 14, 15];

/// Writes a community's evidence folder in the scaffold's layout. A
/// community with missing evidence leaves out the [`MISSING`] indicators.
fn write_evidence(
    catalog: &Catalog,
    folder: &Path,
    c: &Community,
    outcome: Outcome,
) -> Result<(), DemoError> {
    for (_, ind) in catalog.indicators() {
        if outcome == Outcome::MissingEvidence && MISSING.contains(&ind.number()) {
            continue;
        }
        for s in ind.material_standards() {
            let d = crate::archive::layout::standard_dir(folder, ind, s);
            fs::create_dir_all(&d).map_err(io(&d))?;
            for (file, what) in [("工作台账.txt", "工作台账"), ("会议记录.txt", "会议记录")]
            {
                let mut text = String::new();
                let _ = writeln!(text, "{} {}", c.district, c.name);
                let _ = writeln!(text, "{} {} 标准{}：{what}", ind.code, ind.name, s.number);
                let _ = writeln!(text, "对应标准：{}", s.text);
                let p = d.join(file);
                fs::write(&p, text).map_err(io(&p))?;
            }
        }
    }
    Ok(())
}

/// A filled sheet: everything 达标 for the excellent community; a few
/// shortfalls with remarks for the one to rectify; 未达标 where evidence
/// is missing for the third.
fn sheet(catalog: &Catalog, outcome: Outcome, date: NaiveDate) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "指标编号",
        "标准序号",
        "考评方法",
        "结论",
        "考评人",
        "考评日期",
        "备注",
    ]);
    for (_, ind, s) in catalog.standards() {
        for m in &s.methods {
            let n = ind.number();
            let (verdict, remark) = match outcome {
                Outcome::Excellent => ("达标", ""),
                Outcome::Rectify if n == 3 && s.number == 2 => {
                    ("基本达标", "居民小组长配备不齐，3个小区未设楼栋长")
                }
                Outcome::Rectify if n == 10 && s.number == 3 => {
                    ("未达标", "2号楼消防通道堆放杂物，电表箱内存放易燃物品")
                }
                Outcome::Rectify if n == 17 && s.number == 1 => {
                    ("基本达标", "问卷显示居民对“三社联动”政策知晓率偏低")
                }
                Outcome::MissingEvidence
                    if MISSING.contains(&n) && *m == Method::MaterialReview =>
                {
                    ("未达标", "未提交该标准的证明材料")
                }
                _ => ("达标", ""),
            };
            let number = s.number.to_string();
            let day = date.to_string();
            let _ = w.write_record([
                ind.code.as_str(),
                &number,
                m.name(),
                verdict,
                "王明、李华",
                &day,
                remark,
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Community facts for the computed standards.
fn facts(outcome: Outcome) -> crate::assessment::Facts {
    let mut f = crate::assessment::Facts {
        households: Some(2400),
        facility_area: Some(if outcome == Outcome::Rectify {
            850.0
        } else {
            960.0
        }),
        social_organisations: Some(12),
        ..Default::default()
    };
    for (y, n) in [("2017", 20), ("2018", 21), ("2019", 22)] {
        f.certified_social_workers.insert(y.into(), n);
    }
    f
}
