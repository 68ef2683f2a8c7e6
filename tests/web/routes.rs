//! The route walk: every route the application declares
//! (`kaoping::web::routes`), requested by every role and by no one, must
//! answer as this file's table says. A route added to the application
//! without a line here fails the walk, and so does a line here for a route
//! that is gone.

use std::collections::BTreeMap;

use reqwest::blocking::{Client, Response};

use super::util::{
    CUIHU, EXPERT, EXPERT_PL, HUASHAN, OFFICE, OTHER, PANLONGQU, Server, WUHUA, archive, client,
    evidence, log, run, scoped_accounts, sign_in,
};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Everyone, signed in or not.
    Anyone,
    /// Every signed-in account.
    SignedIn,
    /// Those who may see WH-001: its community, 五华区, its expert, its
    /// 街道 (华山街道), the office.
    ReadWh,
    /// Those who may hand in for WH-001: its community only (the office
    /// re-checks what a community hands in, and never hands in for it).
    SubmitWh,
    /// Those who submit a level of 评估验收 for WH-001: its community
    /// (自查), 五华区 (初评) and its expert (专家评估).
    LevelWh,
    /// Those who return a level of WH-001: 五华区 (the 自查), the office
    /// (the 初评).
    ReturnWh,
    /// Those who print 问卷 copies for WH-001: 五华区 and the office.
    DistributeWh,
    /// Those who assess WH-001 on site: 五华区 and its expert.
    FieldWh,
    /// Those who add assessment points of WH-001: 五华区 and the office.
    PointsWh,
    /// Those who record 网络（媒体）调查 of WH-001: 五华区, its expert and
    /// the office.
    MediaWh,
    /// District accounts.
    District,
    /// Clerks who enter paper copies: district accounts and the office.
    Clerk,
    /// Expert accounts.
    Expert,
    /// The office.
    Office,
    /// Those who follow rectification across communities: district
    /// accounts and the office.
    Overseer,
    /// Those who deal with 街道: the office, district and 街道 accounts.
    Streets,
    /// The sign-in form: answers everyone alike and grants nothing.
    SignInForm,
    /// The public questionnaire of one copy (no account): everyone alike,
    /// never sent to sign in; the walk's made-up link is unknown, so the
    /// answer is the kind 404 page, the same for every role.
    Public,
}

/// The allowed set of every route. Path parameters are filled with WH-001,
/// its version 1, the SHA-256 of its receipt and the progress workbook.
const TABLE: &[(&str, &str, Who)] = &[
    ("GET", "/", Who::SignedIn),
    ("GET", "/login", Who::Anyone),
    ("POST", "/login", Who::SignInForm),
    ("POST", "/logout", Who::SignedIn),
    ("GET", "/static/app.css", Who::Anyone),
    ("GET", "/static/app.js", Who::Anyone),
    ("GET", "/static/field.js", Who::Anyone),
    ("GET", "/static/hei.otf", Who::Anyone),
    ("GET", "/c/{id}", Who::ReadWh),
    ("GET", "/c/{id}/scaffold.zip", Who::ReadWh),
    ("POST", "/c/{id}/upload", Who::SubmitWh),
    ("GET", "/c/{id}/sheet-template.xlsx", Who::ReadWh),
    ("POST", "/c/{id}/assess", Who::LevelWh),
    ("GET", "/c/{id}/fill", Who::LevelWh),
    ("POST", "/c/{id}/fill", Who::LevelWh),
    ("POST", "/c/{id}/return", Who::ReturnWh),
    ("POST", "/c/{id}/finalize", Who::Office),
    ("POST", "/c/{id}/override", Who::Office),
    ("GET", "/c/{id}/v/{n}", Who::ReadWh),
    ("POST", "/c/{id}/v/{n}/receipt", Who::SubmitWh),
    ("GET", "/c/{id}/v/{n}/bag.zip", Who::ReadWh),
    ("GET", "/district", Who::District),
    ("POST", "/district/apply", Who::District),
    ("POST", "/district/upload", Who::District),
    ("GET", "/district/apply-template.xlsx", Who::District),
    ("POST", "/district/preliminary", Who::District),
    ("GET", "/expert", Who::Expert),
    ("GET", "/office", Who::Office),
    ("GET", "/office/sheet-template.csv", Who::Office),
    ("GET", "/office/sheet-template.xlsx", Who::Office),
    ("GET", "/office/tables/{name}", Who::Office),
    ("POST", "/office/assess", Who::Office),
    ("POST", "/office/verify-doc", Who::Office),
    ("GET", "/verify", Who::SignedIn),
    ("POST", "/verify", Who::SignedIn),
    ("POST", "/office/documents", Who::Office),
    ("GET", "/office/register", Who::Office),
    ("POST", "/office/approve", Who::Office),
    ("POST", "/office/return", Who::Office),
    ("GET", "/documents/{sha}", Who::ReadWh),
    ("GET", "/documents/batch.zip", Who::Office),
    ("GET", "/c/{id}/rectify", Who::ReadWh),
    ("POST", "/c/{id}/rectify/upload", Who::SubmitWh),
    ("POST", "/c/{id}/rectify/report", Who::SubmitWh),
    ("POST", "/c/{id}/rectify/check", Who::ReturnWh),
    ("GET", "/c/{id}/rectify/evidence", Who::ReadWh),
    ("GET", "/rectify", Who::Overseer),
    ("POST", "/office/supervise", Who::Office),
    ("POST", "/office/naming", Who::Office),
    ("POST", "/office/bulletin", Who::Office),
    ("GET", "/inspections", Who::Overseer),
    ("POST", "/inspections", Who::Overseer),
    ("POST", "/office/inspection-report", Who::Office),
    ("GET", "/units", Who::Overseer),
    ("GET", "/plans", Who::Overseer),
    ("POST", "/district/plan", Who::District),
    ("GET", "/street", Who::Streets),
    ("POST", "/street/upload", Who::Streets),
    ("GET", "/phases", Who::Overseer),
    ("POST", "/office/phases", Who::Office),
    ("GET", "/office/phases.xlsx", Who::Office),
    ("POST", "/office/units", Who::Office),
    ("GET", "/office/units.xlsx", Who::Office),
    ("GET", "/q/{token}", Who::Public),
    ("POST", "/q/{token}", Who::Public),
    ("GET", "/survey/entry", Who::Clerk),
    ("POST", "/survey/entry", Who::Clerk),
    ("POST", "/survey/entry/resolve", Who::Clerk),
    ("GET", "/q/open/{token}", Who::Public),
    ("POST", "/q/open/{token}", Who::Public),
    ("POST", "/c/{id}/survey/print", Who::DistributeWh),
    ("GET", "/c/{id}/field", Who::ReadWh),
    ("GET", "/c/{id}/field-form.pdf", Who::ReadWh),
    ("POST", "/c/{id}/points", Who::PointsWh),
    ("POST", "/c/{id}/field/photo/upload", Who::FieldWh),
    ("POST", "/c/{id}/field/finish", Who::FieldWh),
    ("POST", "/c/{id}/field/scan/upload", Who::FieldWh),
    ("POST", "/c/{id}/field/submit/upload", Who::FieldWh),
    ("POST", "/c/{id}/media/upload", Who::MediaWh),
    ("POST", "/c/{id}/grid/upload", Who::Office),
    ("POST", "/c/{id}/points/upload", Who::PointsWh),
    ("GET", "/c/{id}/field/photo/{sha}", Who::ReadWh),
    ("GET", "/c/{id}/field-sw.js", Who::FieldWh),
    ("GET", "/c/{id}/field/blob/{sha}", Who::FieldWh),
    ("POST", "/c/{id}/field/chunk/{sha}", Who::FieldWh),
    ("POST", "/c/{id}/field/sync", Who::FieldWh),
];

/// The roles walked: a label and the account (none for no session).
const ROLES: &[(&str, Option<(&str, &str)>)] = &[
    ("none", None),
    ("community WH-001", Some(CUIHU)),
    ("community PL-001", Some(OTHER)),
    ("district 五华区", Some(WUHUA)),
    ("district 盘龙区", Some(PANLONGQU)),
    ("expert of WH-001", Some(EXPERT)),
    ("expert not of WH-001", Some(EXPERT_PL)),
    ("office", Some(OFFICE)),
    ("street 华山街道", Some(HUASHAN)),
];

/// The 联络员's mobile in the walk's 责任单位 register.
const PHONE: &str = "13912345678";
const UNIT_HEADER: &str = "单位名称,类型,所属区县,分管负责人,分管负责人职务,分管负责人办公电话,分管负责人手机,联络员,联络员职务,联络员办公电话,联络员手机\n";

fn allowed(who: Who, role: &str) -> bool {
    match who {
        Who::Anyone | Who::SignInForm | Who::Public => true,
        Who::SignedIn => role != "none",
        Who::ReadWh => matches!(
            role,
            "community WH-001"
                | "district 五华区"
                | "expert of WH-001"
                | "office"
                | "street 华山街道"
        ),
        Who::SubmitWh => role == "community WH-001",
        Who::LevelWh => matches!(
            role,
            "community WH-001" | "district 五华区" | "expert of WH-001"
        ),
        Who::ReturnWh | Who::DistributeWh => matches!(role, "district 五华区" | "office"),
        Who::FieldWh => matches!(role, "district 五华区" | "expert of WH-001"),
        Who::PointsWh => matches!(role, "district 五华区" | "office"),
        Who::MediaWh => matches!(role, "district 五华区" | "expert of WH-001" | "office"),
        Who::District => role.starts_with("district"),
        Who::Clerk => role.starts_with("district") || role == "office",
        Who::Expert => role.starts_with("expert"),
        Who::Office => role == "office",
        Who::Overseer => role.starts_with("district") || role == "office",
        Who::Streets => {
            role.starts_with("district") || role.starts_with("street") || role == "office"
        }
    }
}

#[test]
fn the_route_table_names_every_declared_route() {
    let declared: Vec<(String, String)> = kaoping::web::routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let listed: Vec<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    for r in &declared {
        assert!(listed.contains(r), "route {r:?} is not in the walk's table");
    }
    for r in &listed {
        assert!(
            declared.contains(r),
            "the walk's table lists {r:?}, which is not a route"
        );
    }
    assert_eq!(declared.len(), listed.len(), "a route is declared twice");
}

/// One request of the walk. A server that answers an upload before
/// reading its body closes that connection; the client may already have
/// pooled it for the next request, which then gets no answer at all. Such
/// a lost answer is asked again (at most three times): the answer checked
/// is always a whole one.
fn request(c: &Client, server: &Server, method: &str, path: &str, csrf: &str) -> Response {
    let send = || send_once(c, server, method, path, csrf);
    (0..2)
        .find_map(|_| send().ok())
        .unwrap_or_else(|| send().unwrap())
}

fn send_once(
    c: &Client,
    server: &Server,
    method: &str,
    path: &str,
    csrf: &str,
) -> reqwest::Result<Response> {
    let url = server.at(path);
    match (method, path) {
        ("GET", _) => c.get(url).send(),
        (_, p)
            if p.ends_with("/upload")
                || p.ends_with("assess")
                || p == "/office/verify-doc"
                || p == "/verify"
                || p == "/office/units"
                || p == "/district/plan"
                || p == "/office/phases"
                || p == "/inspections" =>
        {
            // The multipart body as bytes in one piece: a streamed body
            // (reqwest's multipart form) loses the answer when a loaded
            // machine lets the server answer before the body is sent.
            let boundary = "kaoping-walk-boundary";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}--\r\n"
            );
            c.post(url)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
        }
        // The on-site page's outbox: JSON or bytes, the token in a header
        // (an empty record and a chunk without its place are refused
        // after the role and the token are checked).
        (_, p) if p.ends_with("/field/sync") || p.contains("/field/chunk/") => {
            c.post(url).header("x-csrf-token", csrf).body("{}").send()
        }
        (_, "/office/documents") => c
            .post(url)
            .form(&[("csrf", csrf), ("kind", "progress"), ("scope", "all")])
            .send(),
        (_, "/login") => c
            .post(url)
            .form(&[("name", "x"), ("password", "y"), ("token", "z")])
            .send(),
        _ => c.post(url).form(&[("csrf", csrf)]).send(),
    }
}

#[test]
fn every_route_answers_every_role_as_the_table_says() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let folder = evidence(dir, "WH-001");
    run(
        dir,
        &["ingest", folder.to_str().unwrap(), "--community", "WH-001"],
        None,
    );
    run(
        dir,
        &["receipt", "--community", "WH-001", "-o", "out"],
        None,
    );
    let sha = log(dir)
        .iter()
        .rev()
        .find(|r| r["kind"] == "document")
        .map(|r| {
            r["data"]["objects"][0]["sha256"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .expect("a receipt was issued");
    let photo = super::field_files::a_photo(dir, "WH-001", 1);
    // A 责任单位 register: its phone numbers are the office's alone.
    let units = dir.join("units.csv");
    std::fs::write(&units, format!("{UNIT_HEADER}五华区社区治理办,县（市）区,五华区,张三,副区长,0871-63101234,13800000001,李四,科长,,{PHONE}\n")).unwrap();
    run(dir, &["unit", "import", units.to_str().unwrap()], None);
    let server = Server::start(dir, &[]);
    let fill = |pattern: &str| -> String {
        let p = pattern
            .replace("{id}", "WH-001")
            .replace("{n}", "1")
            .replace(
                "{sha}",
                if pattern.contains("/field/photo/") {
                    &photo
                } else {
                    &sha
                },
            )
            .replace("{name}", "progress.xlsx")
            .replace("{token}", "0123456789abcdef0123456789abcdef");
        if p == "/documents/batch.zip" {
            format!("{p}?first=1&last=1")
        } else {
            p
        }
    };
    // Signing out ends the session: walk it last.
    let mut order: Vec<&(&str, &str, Who)> = TABLE.iter().collect();
    order.sort_by_key(|(_, p, _)| *p == "/logout");
    let mut wrong = BTreeMap::new();
    for (role, account) in ROLES {
        let (c, csrf) = match account {
            Some(a) => sign_in(&server, *a),
            None => (client(), String::new()),
        };
        for (method, pattern, who) in &order {
            let path = fill(pattern);
            let res = request(&c, &server, method, &path, &csrf);
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("")
                .to_string();
            // Sent to sign in first, or refused.
            let body = res.bytes().unwrap_or_default();
            let text = String::from_utf8_lossy(&body);
            if *role == "office" && *pattern == "/units" && !text.contains(PHONE) {
                wrong.insert("GET /units as office".into(), "phones missing".into());
            }
            if *role != "office" && text.contains(PHONE) {
                wrong.insert(
                    format!("{method} {pattern} as {role}"),
                    "shows a 联络员's phone number".into(),
                );
            }
            let refused = matches!(status, 401 | 403 | 404) || location.starts_with("/login?next=");
            let ok = match (*who, allowed(*who, role)) {
                (Who::SignInForm, _) => status == 401,
                (Who::Public, _) => status == 404 && !location.starts_with("/login"),
                (_, true) if *method == "GET" => matches!(status, 200 | 303) && !refused,
                (_, true) => !refused && status < 500,
                (_, false) => refused,
            };
            if !ok {
                wrong.insert(
                    format!("{method} {pattern} as {role}"),
                    format!(
                        "{status} {location} {}",
                        text.chars().take(200).collect::<String>()
                    ),
                );
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "routes answering against the table:\n{wrong:#?}"
    );
}

#[test]
fn district_and_expert_pages_list_only_their_communities() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    for (account, page, shown, hidden) in [
        (WUHUA, "/district", "WH-001", "PL-001"),
        (PANLONGQU, "/district", "PL-001", "WH-001"),
        (EXPERT, "/expert", "WH-001", "PL-001"),
        (EXPERT_PL, "/expert", "PL-001", "WH-001"),
    ] {
        let (c, _) = sign_in(&server, account);
        let home = c.get(server.at("/")).send().unwrap();
        assert_eq!(home.status(), 303);
        assert_eq!(home.headers()["location"], page);
        let html = c.get(server.at(page)).send().unwrap().text().unwrap();
        assert!(
            html.contains(&format!("href=\"/c/{shown}\"")),
            "{} on {page}:\n{html}",
            account.0
        );
        assert!(
            !html.contains(hidden),
            "{} on {page} sees {hidden}",
            account.0
        );
        // Read-only: no upload form on the community page.
        let community = c
            .get(server.at(&format!("/c/{shown}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(!community.contains("upload-form"), "{community}");
    }
}
