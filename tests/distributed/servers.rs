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
    let reg = c
        .get(a.at("/office/register"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    for n in &numbers[numbers.len() - 8..] {
        assert!(reg.contains(n), "{n} missing from the register");
    }
    let verified = s.on(&["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
}
