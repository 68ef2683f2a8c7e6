//! 签名密钥 actions (the office's console only): make test keys and
//! certificates for the issuing organs, and list what each organ signs
//! with and until when.

use serde::Serialize;

use super::{ActionError, Ctx};
use crate::config::{Config, Organ};
use crate::sign::{Algorithm, Keyring, SignError, unix_now, verify::day};

/// One organ's signing status.
#[derive(Debug, Clone, Serialize)]
pub struct KeyLine {
    /// The organ's full name.
    pub organ: String,
    /// Its config key (or the district for a district office).
    pub key: String,
    /// The key file.
    pub key_file: String,
    /// The certificate's subject, when it loads.
    pub subject: Option<String>,
    /// The algorithm.
    pub algorithm: Option<String>,
    /// Last valid day.
    pub valid_until: Option<String>,
    /// A test certificate (测试 in its subject).
    pub test: bool,
    /// The seal image, when configured.
    pub seal: Option<String>,
    /// Why it cannot sign now, if it cannot.
    pub problem: Option<String>,
}

/// Every organ that issues: `[[organs]]`, then the 18 district offices.
fn organs(config: &Config) -> Vec<Organ> {
    let mut all = config.organs.clone();
    for d in &crate::districts::DistrictTable::builtin().districts {
        all.push(config.district_office(&d.name).organ(&d.name));
    }
    all
}

/// The organ `which` names (its key, name or number prefix).
fn find(config: &Config, which: &str) -> Result<Organ, ActionError> {
    let which = which.trim();
    organs(config)
        .into_iter()
        .find(|o| o.key == which || o.name == which || o.prefix == which)
        .ok_or_else(|| {
            ActionError::Invalid(format!(
                "没有发文机关“{which}”：请写 kaoping.toml 中 [[organs]] 的 key、机关全称或发文字号前缀，或县（市）区名称"
            ))
        })
}

/// Makes a test key and self-signed certificate (marked 测试) for the
/// organ named, or for every organ without a key; refuses to replace an
/// existing key unless `force`.
pub fn init(
    c: &Ctx,
    config: &Config,
    organ: Option<&str>,
    algorithm: Algorithm,
    force: bool,
) -> Result<Vec<KeyLine>, ActionError> {
    c.office_only()?;
    let root = c.archive.root();
    let keys = Keyring::new(root, config);
    let chosen = match organ {
        Some(o) => vec![find(config, o)?],
        None => organs(config),
    };
    for o in &chosen {
        let files = keys.files(&o.name);
        let exists = files.key.exists() || files.certificate.exists();
        if exists && !force {
            if organ.is_some() {
                return Err(ActionError::Invalid(format!(
                    "发文机关“{}”已经有签名密钥 {}；要换成新的测试证书，请加 --force（旧密钥签发的公文仍可用其中的证书核验）",
                    o.name,
                    files.key.display()
                )));
            }
            continue;
        }
        crate::sign::write_test(&o.name, &files, algorithm, force)?;
    }
    let fresh = Keyring::new(root, config);
    Ok(chosen.iter().map(|o| line(&fresh, o)).collect())
}

/// What each organ signs with and until when.
pub fn show(c: &Ctx, config: &Config) -> Result<Vec<KeyLine>, ActionError> {
    c.office_only()?;
    let keys = Keyring::new(c.archive.root(), config);
    let mut lines: Vec<KeyLine> = organs(config).iter().map(|o| line(&keys, o)).collect();
    if config.signing.test_keys {
        for l in lines
            .iter_mut()
            .filter(|l| l.problem.as_deref() == Some(NO_KEY))
        {
            l.problem = Some(format!("{NO_KEY}；首次发文时将自动生成测试证书"));
        }
    }
    Ok(lines)
}

/// What `show` says of an organ without a key.
const NO_KEY: &str = "还没有密钥";

fn line(keys: &Keyring, o: &Organ) -> KeyLine {
    let files = keys.files(&o.name);
    let loaded = if files.key.exists() || files.certificate.exists() {
        crate::sign::OrganKey::load(&o.name, &files, unix_now())
    } else {
        Err(SignError::Missing {
            organ: o.name.clone(),
            path: files.key.clone(),
        })
    };
    let (subject, algorithm, until, problem) = match &loaded {
        Ok(k) => (
            Some(k.subject()),
            Some(k.key.algorithm().to_string()),
            Some(day(k.not_after())),
            None,
        ),
        Err(SignError::Missing { .. }) => (None, None, None, Some(NO_KEY.to_string())),
        Err(e) => (None, None, None, Some(e.to_string())),
    };
    KeyLine {
        organ: o.name.clone(),
        key: o.key.clone(),
        key_file: files.key.display().to_string(),
        test: subject.as_deref().is_some_and(|s| s.contains("测试")),
        subject,
        algorithm,
        valid_until: until,
        seal: o.seal.clone(),
        problem,
    }
}
