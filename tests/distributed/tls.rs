//! TLS to both engines, as on a government cloud with its own CA:
//! PostgreSQL taking TLS connections only (`ssl = on`, `hostnossl …
//! reject`) and the Garage cluster behind an HTTPS front (stunnel), both
//! with certificates of a CA made in the test. The right CA works end to
//! end; a wrong one is refused with a message naming the setting.

use std::path::Path;
use std::process::{Command, Output};

use crate::engines;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn tls_to_database_and_bucket_with_the_office_ca_and_a_wrong_ca_is_refused() {
    let Some(garage) = engines::garage() else {
        return;
    };
    let Some(ca) = engines::test_ca("kaoping test CA") else {
        return;
    };
    let Some(wrong) = engines::test_ca("another CA") else {
        return;
    };
    let Some(pg) = engines::tls_postgres(&ca) else {
        return;
    };
    let s3_port: u16 = garage
        .endpoint()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let Some(front) = engines::tls_front(&ca, s3_port) else {
        return;
    };
    let (conninfo, bucket) = (pg.create_database(), garage.create_bucket());
    let dir = tempfile::tempdir().unwrap();
    let kaoping = |args: &[&str], env: &[(&str, &Path)]| -> Output {
        let mut cmd = Command::new(crate::web::util::bin());
        cmd.current_dir(dir.path())
            .env_remove("KAOPING_ARCHIVE")
            .env_remove("AWS_CA_BUNDLE");
        for (k, v) in garage.aws_env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(args).output().unwrap()
    };
    let endpoint = front.endpoint();
    let (ca_pem, wrong_pem) = (ca.ca(), wrong.ca());
    let setup = |command: &str, db_ca: &Path, bucket_ca: &Path| -> Output {
        let root = dir.path().join("demo");
        let args = [
            command,
            root.to_str().unwrap(),
            "--database",
            &conninfo,
            "--bucket",
            &bucket,
            "--endpoint",
            &endpoint,
            "--region",
            "garage",
            "--database-sslmode",
            "verify-full",
            "--database-ca-file",
            db_ca.to_str().unwrap(),
            "--bucket-ca-file",
            bucket_ca.to_str().unwrap(),
        ];
        kaoping(&args, &[])
    };
    // The database's certificate is not from the CA named: refused, and
    // the message says which setting to check.
    let out = setup("init", &wrong_pem, &ca_pem);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("证书未通过校验") && e.contains("database_ca_file"),
        "{e}"
    );
    // The same for the bucket's HTTPS front.
    let out = setup("init", &ca_pem, &wrong_pem);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("证书未通过校验") && e.contains("[storage.bucket] ca_file"),
        "{e}"
    );
    // A plain connection is refused by this server: what follows is TLS.
    let plain = kaoping(
        &[
            "init",
            "plain",
            "--database",
            &conninfo,
            "--bucket",
            &bucket,
            "--endpoint",
            &garage.endpoint(),
            "--region",
            "garage",
        ],
        &[],
    );
    assert!(
        !plain.status.success(),
        "the server took a connection without TLS"
    );
    // With the right CA for both, the demo runs and verifies.
    let out = setup("demo", &ca_pem, &ca_pem);
    assert!(out.status.success(), "{}", stderr(&out));
    let root = dir.path().join("demo").join("archive");
    let config = std::fs::read_to_string(root.join("kaoping.toml")).unwrap();
    assert!(
        config.contains("database_sslmode = \"verify-full\""),
        "{config}"
    );
    let verify =
        |env: &[(&str, &Path)]| kaoping(&["--archive", root.to_str().unwrap(), "verify"], env);
    let out = verify(&[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("校验通过"),
        "{}",
        stderr(&out)
    );
    // Without ca_file, AWS_CA_BUNDLE is honoured; the system's CAs alone
    // do not know the test CA.
    let own = format!("\nca_file = \"{}\"\n", ca_pem.display());
    let without: String = config.replacen(&own, "\n", 1);
    assert_ne!(without, config, "no bucket ca_file line in {config}");
    std::fs::write(root.join("kaoping.toml"), &without).unwrap();
    let out = verify(&[("AWS_CA_BUNDLE", &ca_pem)]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("校验通过"),
        "{}",
        stderr(&out)
    );
    let out = verify(&[("AWS_CA_BUNDLE", &wrong_pem)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("AWS_CA_BUNDLE"), "{}", stderr(&out));
    let out = verify(&[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("证书未通过校验"), "{}", stderr(&out));
}
