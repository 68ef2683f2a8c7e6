//! Two `kaoping serve` processes over one database and bucket: a session
//! started on one is good on the other and survives a restart, and office
//! users issuing documents on both at once never get one number twice.

use std::collections::BTreeSet;

use super::Setup;
use crate::web::util::{Server, sign_in};

#[test]
fn two_servers_share_sessions_and_never_give_out_one_number_twice() {
    let Some(s) = Setup::demo() else { return };
    let a = Server::start_with(s.dir.path(), &[], &s.envs());
    let b = Server::start_with(s.dir.path(), &[], &s.envs());
    // Signed in on A; the same cookie jar (same host, other port: cookies
    // are per host) is signed in on B too, and after B restarts.
    let (c, csrf) = sign_in(&a, ("kaopingban", "demo-office-2019"));
    assert_eq!(c.get(a.at("/office")).send().unwrap().status(), 200);
    let on_b = c.get(b.at("/office")).send().unwrap();
    assert_eq!(on_b.status(), 200, "the session from A is not known on B");
    drop(b);
    let b = Server::start_with(s.dir.path(), &[], &s.envs());
    let on_b = c.get(b.at("/office")).send().unwrap();
    assert_eq!(on_b.status(), 200, "a restart signed the user out");
    let before: u32 = s.sql("SELECT count(*) FROM numbers").parse().unwrap();
    // Eight issuers at once, four on each server, each asking for a
    // 进度汇总表 of its own date.
    let servers = [&a, &b];
    std::thread::scope(|scope| {
        for i in 0..8 {
            let (c, csrf, server) = (c.clone(), csrf.clone(), servers[i % 2]);
            scope.spawn(move || {
                let date = format!("2019-12-{:02}", i + 1);
                let res = c
                    .post(server.at("/office/documents"))
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("kind", "progress"),
                        ("scope", "all"),
                        ("date", &date),
                    ])
                    .send()
                    .unwrap();
                let status = res.status();
                let page = res.text().unwrap();
                assert_eq!(status, 200, "issuer {i}: {page}");
            });
        }
    });
    let rows = s.sql("SELECT number FROM numbers ORDER BY log_seq");
    let numbers: Vec<&str> = rows.lines().collect();
    let distinct: BTreeSet<&str> = numbers.iter().copied().collect();
    assert_eq!(numbers.len(), distinct.len(), "a number twice: {numbers:?}");
    assert_eq!(numbers.len() as u32, before + 8, "{numbers:?}");
    // The register page lists them on either server.
    let reg = page(&c, a.at("/office/register"));
    for n in &numbers[numbers.len() - 8..] {
        assert!(reg.contains(n), "{n} missing from the register");
    }
    let verified = s.on(&["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
}

/// A server killed while it renders a batch: its reserved numbers are
/// never given to another document; once the reservation lapses the next
/// issue voids them (作废, with the reason, on the register page) and
/// `verify` is clean.
#[test]
fn a_server_killed_mid_batch_leaves_its_numbers_voided() {
    let Some(s) = Setup::demo() else { return };
    let toml = s.root().join("kaoping.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    let config = config.replacen("[documents]\n", "[documents]\nreserve_seconds = 5\n", 1);
    std::fs::write(&toml, config).unwrap();
    let reservations = || count(&s, &like("number-reservation"));
    let before = reservations();
    let a = Server::start_with(s.dir.path(), &[], &s.envs());
    let b = Server::start_with(s.dir.path(), &[], &s.envs());
    let (c, csrf) = sign_in(&a, ("kaopingban", "demo-office-2019"));
    let post = |url: String, kind: &str| {
        c.post(url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("kind", kind),
                ("scope", "all"),
                ("date", "2019-12-20"),
            ])
            .send()
    };
    std::thread::scope(|scope| {
        // B renders every community's 考评报告 …
        let url = b.at("/office/documents");
        let batch = scope.spawn(|| post(url, "report"));
        let start = std::time::Instant::now();
        while reservations() == before {
            assert!(!batch.is_finished(), "the batch ended before it was seen");
            assert!(start.elapsed().as_secs() < 120, "no reservation");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // … and is killed once its numbers are reserved.
        drop(b);
        assert!(batch.join().unwrap().is_err(), "the killed server answered");
    });
    let numbers_before = count(&s, "SELECT count(*) FROM numbers");
    std::thread::sleep(std::time::Duration::from_secs(6));
    let res = post(a.at("/office/documents"), "progress").unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().unwrap());
    assert_eq!(
        count(&s, "SELECT count(*) FROM numbers"),
        numbers_before + 1
    );
    let reg = page(&c, a.at("/office/register"));
    assert!(
        reg.contains("作废的文号") && reg.contains("按作废处理"),
        "{reg}"
    );
    // Every reserved number is a registered document or voided; none both.
    let voided =
        s.sql("SELECT count(*) FROM log WHERE convert_from(line, 'UTF8') LIKE '%\"number-void\"%'");
    assert_eq!(voided, "1");
    let verified = s.on(&["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
}

/// A page's text.
fn page(c: &reqwest::blocking::Client, url: String) -> String {
    c.get(url).send().unwrap().text().unwrap()
}

/// The number one SQL count answers.
fn count(s: &Setup, sql: &str) -> u32 {
    s.sql(sql).parse().unwrap()
}

/// Counting the log records of `kind`.
fn like(kind: &str) -> String {
    format!("SELECT count(*) FROM log WHERE convert_from(line, 'UTF8') LIKE '%\"{kind}\"%'")
}
