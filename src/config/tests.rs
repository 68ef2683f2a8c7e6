//! Parsing and checking of `kaoping.toml`.

use super::*;

#[test]
fn default_config_parses_and_names_the_office() {
    let c = Config::default();
    assert_eq!(c.issuers()[0].prefix, "昆社治办");
    assert_eq!(c.printer(), "昆明市城乡社区治理工作领导小组办公室");
}

#[test]
fn one_public_address_serves_field_forms_and_questionnaires() {
    let text = DEFAULT_CONFIG.replace(
        "# public_url = \"https://kaoping.example.cn\"",
        "public_url = \"https://kp.example.cn\"",
    );
    let c = Config::parse(&text, Path::new("x.toml")).unwrap();
    assert_eq!(c.survey.base_url.as_deref(), Some("https://kp.example.cn"));
    let text = DEFAULT_CONFIG.replace(
        "# base_url = \"https://kaoping.example.cn\"",
        "base_url = \"https://q.example.cn\"",
    );
    let c = Config::parse(&text, Path::new("x.toml")).unwrap();
    assert_eq!(c.server.public_url.as_deref(), Some("https://q.example.cn"));
    assert_eq!(Config::default().server.public_url, None);
}

#[test]
fn unknown_issuer_is_named() {
    let text = DEFAULT_CONFIG.replace("issuers = [\"shezhiban\"]", "issuers = [\"nope\"]");
    let err = Config::parse(&text, Path::new("x.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope") && err.contains("shezhiban"), "{err}");
}

#[test]
fn typo_in_a_key_is_a_parse_error_with_the_file() {
    let text = DEFAULT_CONFIG.replace("prefix =", "prefx =");
    let err = Config::parse(&text, Path::new("x.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("x.toml") && err.contains("prefx"), "{err}");
}

#[test]
fn duplicate_keys_are_rejected() {
    let mut c = Config::default();
    c.organs.push(c.organs[0].clone());
    let text = toml::to_string(&c).unwrap();
    let err = Config::parse(&text, Path::new("x.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("重复"), "{err}");
}
