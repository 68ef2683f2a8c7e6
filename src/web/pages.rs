//! The HTML pages: minijinja templates from `templates/web/`, built into
//! the binary so that `kaoping serve` needs no files beside the archive.
//! Values are escaped by minijinja's HTML auto-escaping.

use std::sync::OnceLock;

use axum::response::Html;
use minijinja::{Environment, Value, context};

const PAGES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/web/base.html")),
    ("login.html", include_str!("../../templates/web/login.html")),
    ("fill.html", include_str!("../../templates/web/fill.html")),
    (
        "message.html",
        include_str!("../../templates/web/message.html"),
    ),
    (
        "community.html",
        include_str!("../../templates/web/community.html"),
    ),
    (
        "version.html",
        include_str!("../../templates/web/version.html"),
    ),
    (
        "office.html",
        include_str!("../../templates/web/office.html"),
    ),
    (
        "issued.html",
        include_str!("../../templates/web/issued.html"),
    ),
    (
        "assessed.html",
        include_str!("../../templates/web/assessed.html"),
    ),
    (
        "register.html",
        include_str!("../../templates/web/register.html"),
    ),
    (
        "signatures.html",
        include_str!("../../templates/web/signatures.html"),
    ),
    (
        "verify.html",
        include_str!("../../templates/web/verify.html"),
    ),
    (
        "district.html",
        include_str!("../../templates/web/district.html"),
    ),
    (
        "expert.html",
        include_str!("../../templates/web/expert.html"),
    ),
    (
        "rectify.html",
        include_str!("../../templates/web/rectify.html"),
    ),
    (
        "rectify_overview.html",
        include_str!("../../templates/web/rectify_overview.html"),
    ),
    (
        "survey.html",
        include_str!("../../templates/web/survey.html"),
    ),
    ("entry.html", include_str!("../../templates/web/entry.html")),
    ("field.html", include_str!("../../templates/web/field.html")),
    (
        "inspections.html",
        include_str!("../../templates/web/inspections.html"),
    ),
    ("units.html", include_str!("../../templates/web/units.html")),
    ("plans.html", include_str!("../../templates/web/plans.html")),
    (
        "street.html",
        include_str!("../../templates/web/street.html"),
    ),
    (
        "phases.html",
        include_str!("../../templates/web/phases.html"),
    ),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, text) in PAGES {
            // The pages are part of the program: one that does not parse
            // is left out, its rendering then names it, and the tests that
            // render every page catch it.
            let _ = env.add_template(name, text);
        }
        env.add_filter("bytes", |n: u64| crate::sizes::size_text(n));
        env
    })
}

/// The signed-in account as every page's header shows it.
#[derive(serde::Serialize)]
pub struct Header<'a> {
    /// Account name.
    pub name: &'a str,
    /// Role name.
    pub role: &'static str,
    /// Whether it is an office account.
    pub office: bool,
    /// Its community, for a community account.
    pub community: Option<&'a str>,
    /// Its district, for a district account.
    pub district: Option<&'a str>,
    /// Whether it is an expert account.
    pub expert: bool,
    /// Its 街道（乡镇）, for a 街道 account.
    pub street: Option<&'a str>,
    /// The CSRF token forms send back.
    pub csrf: &'a str,
}

/// Renders page `name` for a signed-in account with the data `ctx` (a JSON
/// object; the page header's account details are added as `user`).
pub fn page<T: serde::Serialize + ?Sized>(name: &str, header: &Header, ctx: &T) -> Html<String> {
    let mut ctx = serde_json::to_value(ctx).unwrap_or_default();
    if let Some(map) = ctx.as_object_mut() {
        map.insert(
            "user".into(),
            serde_json::to_value(header).unwrap_or_default(),
        );
    }
    render(name, crate::render::templates::to_value(&ctx))
}

/// Renders page `name` with `ctx`.
pub fn render(name: &str, ctx: Value) -> Html<String> {
    let out = env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| {
            // A page that fails to render is a bug; say so in the page.
            format!("<!doctype html><meta charset=utf-8><p>页面 {name} 生成失败：{e}</p>")
        });
    Html(out)
}

/// A page with a title and a message (errors, notices).
pub fn message(title: &str, message: &str, status: &str) -> Html<String> {
    render(
        "message.html",
        context! { title => title, message => message, status => status },
    )
}
