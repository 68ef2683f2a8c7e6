//! Resource limits of `kaoping serve` (issue 26, the server's part), each
//! probe of the attack run as a test on loopback: a guesser at 127.0.0.2
//! who drops every attempt cannot lock the owner at 127.0.0.1 out; a
//! flood of open-link page loads from one address denies no one else a
//! form; slow bodies are cut off and one address cannot take every
//! connection; a made-up device cookie is not a new device. All traffic
//! stays on 127.0.0.0/8, and every loop is bounded.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::redirect::Policy;

use super::util::{CUIHU, OFFICE, Server, archive, client, hidden, log, run};

/// The second loopback address the attacker uses.
const ATTACKER: [u8; 4] = [127, 0, 0, 2];

/// A client like [`client`] whose connections come from `ip`.
fn client_from(ip: [u8; 4]) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .local_address(IpAddr::from(ip))
        .build()
        .unwrap()
}

/// One sign-in attempt by `c`: the form, then the post, given up after
/// `patience` (the connection dropped). `None` when given up.
fn attempt(
    c: &Client,
    server: &Server,
    (name, pw): (&str, &str),
    patience: Duration,
) -> Option<(u16, String)> {
    let page = c.get(server.at("/login")).send().unwrap().text().unwrap();
    let token = hidden(&page, "token");
    let res = c
        .post(server.at("/login"))
        .timeout(patience)
        .form(&[
            ("name", name),
            ("password", pw),
            ("token", &token),
            ("next", "/"),
        ])
        .send()
        .ok()?;
    let status = res.status().as_u16();
    Some((status, res.text().unwrap_or_default()))
}

#[test]
fn a_guesser_who_drops_each_attempt_never_locks_the_owner_out() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let guesser = client_from(ATTACKER);
    let wrong = (OFFICE.0, "wrong-guess");
    let long = Duration::from_secs(30);
    // Five wrong passwords: the account is now slowed for the guesser.
    for _ in 0..5 {
        let (status, _) = attempt(&guesser, &server, wrong, long).unwrap();
        assert_eq!(status, 401);
    }
    let owner_results = std::thread::scope(|s| {
        let server = &server;
        let owner = s.spawn(move || {
            (0..5)
                .map(|_| {
                    std::thread::sleep(Duration::from_millis(700));
                    let (status, _) = attempt(&client(), server, OFFICE, long).unwrap();
                    status
                })
                .collect::<Vec<u16>>()
        });
        // Then wrong passwords, each dropped after 0.85 s, as the probe
        // did, until the address is paused (15 should do; at most 40).
        for _ in 0..40 {
            if let Some((429, text)) = attempt(&guesser, server, wrong, Duration::from_millis(850))
                && text.contains("这台电脑登录失败的次数过多")
            {
                break;
            }
        }
        owner.join().unwrap()
    });
    // The owner at 127.0.0.1 signed in every time.
    assert_eq!(owner_results, vec![303; 5]);
    // The dropped attempts counted against the guesser's own address.
    let (status, text) = attempt(&guesser, &server, wrong, long).unwrap();
    assert_eq!(status, 429, "{text}");
    assert!(text.contains("这台电脑登录失败的次数过多"), "{text}");
    // Even with the right password the guesser's address waits; the
    // owner does not.
    let (status, _) = attempt(&guesser, &server, OFFICE, long).unwrap();
    assert_eq!(status, 429);
    let (status, _) = attempt(&client(), &server, OFFICE, long).unwrap();
    assert_eq!(status, 303);
}

/// An open link of WH-001; gives its path.
fn open_link(dir: &std::path::Path) -> String {
    let out = run(
        dir,
        &[
            "survey",
            "open-link",
            "--community",
            "WH-001",
            "--point",
            "居民小区",
        ],
        None,
    );
    let token: String = out
        .split("/q/open/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    format!("/q/open/{token}")
}

const FULL: &[(&str, &str)] = &[
    ("Q1", "满意"),
    ("Q2", "知晓"),
    ("Q3", "参加过"),
    ("Q4", "基本满意"),
    ("Q5", "非常满意"),
    ("Q6", "不知晓"),
    ("Q7", "满意"),
    ("Q8", "知晓"),
    ("Q9", "不满意"),
    ("R1", "36—59岁"),
];

/// Posts the answer form with `nonce` (and any `cookie` header).
fn post_answer(
    c: &Client,
    server: &Server,
    path: &str,
    nonce: &str,
    cookie: Option<&str>,
) -> (u16, String) {
    let mut form: Vec<(&str, &str)> = FULL.to_vec();
    form.push(("nonce", nonce));
    let mut req = c.post(server.at(path)).form(&form);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

fn open_page(c: &Client, server: &Server, path: &str) -> (u16, String) {
    let res = c.get(server.at(path)).send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn a_flood_of_open_forms_from_one_address_denies_no_one_else() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let path = open_link(dir);
    let server = Server::start(
        dir,
        &["--max-open-forms", "40", "--open-forms-per-address", "10"],
    );
    // A resident opens the form first.
    let resident = client();
    let (status, page) = open_page(&resident, &server, &path);
    assert_eq!(status, 200);
    let early = hidden(&page, "nonce");
    // One address loads the page 200 times (the probe's 100,500 against
    // a table of 100,000, scaled down).
    let flood = client_from(ATTACKER);
    let mut first = None;
    for _ in 0..200 {
        let (status, page) = open_page(&flood, &server, &path);
        assert_eq!(status, 200, "{page}");
        first.get_or_insert_with(|| hidden(&page, "nonce"));
    }
    // Then a few more addresses fill the rest of the table.
    for last in 3..=6u8 {
        let c = client_from([127, 0, 0, last]);
        for _ in 0..10 {
            assert_eq!(open_page(&c, &server, &path).0, 200);
        }
    }
    // The flood cost its own sender its oldest forms...
    let (status, page) = post_answer(&flood, &server, &path, &first.unwrap(), None);
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("页面已过期"), "{page}");
    // ...and nobody else was refused: the resident's form opened before
    // still works, and a new one opens and is answered.
    let (status, page) = post_answer(&resident, &server, &path, &early, None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("提交成功"), "{page}");
    let other = client();
    let (status, page) = open_page(&other, &server, &path);
    assert_eq!(status, 200, "{page}");
    let (status, page) = post_answer(&other, &server, &path, &hidden(&page, "nonce"), None);
    assert_eq!(status, 200, "{page}");
    let answers = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "survey-open-answer")
        .count();
    assert_eq!(answers, 2);
}

/// A raw connection from `from` to the server.
fn connect_from(server: &Server, from: [u8; 4]) -> TcpStream {
    let to: SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(IpAddr::from(from), 0)).unwrap();
        socket.connect(to).await.unwrap()
    });
    let std = stream.into_std().unwrap();
    std.set_nonblocking(false).unwrap();
    std
}

/// Trickles one byte every 500 ms into `s` (whose header is sent) until
/// the server answers or closes it, at most `limit`; gives how long that
/// took and the start of any answer, or `None` when the server still held
/// it.
fn trickle_until_closed(mut s: TcpStream, limit: Duration) -> Option<(Duration, String)> {
    let start = Instant::now();
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut buf = [0u8; 256];
    while start.elapsed() < limit {
        if s.write_all(b"x").is_err() {
            return Some((start.elapsed(), String::new()));
        }
        match s.read(&mut buf) {
            Ok(n) => {
                let answer = String::from_utf8_lossy(&buf[..n]).to_string();
                return Some((start.elapsed(), answer));
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some((start.elapsed(), String::new())),
        }
    }
    None
}

#[test]
fn slow_bodies_are_cut_off_and_one_address_cannot_take_every_connection() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(
        t.path(),
        &[
            "--max-connections",
            "8",
            "--connections-per-address",
            "4",
            "--body-timeout",
            "2",
            "--min-upload-rate",
            "1",
        ],
    );
    let head = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nn";
    // Eight slow sign-ins from one address, as many as the server takes.
    let mut slow: Vec<TcpStream> = (0..8).map(|_| connect_from(&server, ATTACKER)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut refused = 0;
    let mut held = Vec::new();
    for mut s in slow.drain(..) {
        let _ = s.write_all(head.as_bytes());
        std::thread::sleep(Duration::from_millis(50));
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut buf = [0u8; 16];
        match s.read(&mut buf) {
            Ok(0) => refused += 1,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                held.push(s)
            }
            _ => refused += 1,
        }
    }
    // Only its share was taken; the rest were closed on arrival.
    assert_eq!(held.len(), 4, "{refused} refused");
    // Someone else is still served meanwhile.
    assert_eq!(
        client().get(server.at("/login")).send().unwrap().status(),
        200
    );
    // Every slow body is cut off at the body deadline (2 s here), not
    // held for the idle or request timeout.
    let cut: Vec<Option<(Duration, String)>> = std::thread::scope(|s| {
        let handles: Vec<_> = held
            .into_iter()
            .map(|c| s.spawn(move || trickle_until_closed(c, Duration::from_secs(12))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(cut.iter().all(Option::is_some), "{cut:?}");
    // Answered 408 when the answer got through before the close.
    assert!(
        cut.iter()
            .flatten()
            .all(|(_, a)| a.is_empty() || a.starts_with("HTTP/1.1 408")),
        "{cut:?}"
    );
    // And the address may connect again once its connections are gone.
    let mut again = connect_from(&server, ATTACKER);
    again
        .write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    again
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = again.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // An upload trickled by a signed-in account is cut off too (2 s plus
    // a second per KB received).
    let session = session_cookie(&server);
    let mut up = connect_from(&server, [127, 0, 0, 1]);
    let head = format!(
        "POST /c/WH-001/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {session}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1048576\r\n\r\n--b\r\n"
    );
    up.write_all(head.as_bytes()).unwrap();
    let (_, answer) =
        trickle_until_closed(up, Duration::from_secs(12)).expect("a trickled upload is still held");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // The server answers the next request after all of this.
    assert_eq!(
        client().get(server.at("/login")).send().unwrap().status(),
        200
    );
}

/// Signs CUIHU in without a cookie store; gives the session cookie.
fn session_cookie(server: &Server) -> String {
    let c = Client::builder().redirect(Policy::none()).build().unwrap();
    let res = c.get(server.at("/login")).send().unwrap();
    let login = cookie_value(&res, "kaoping_login");
    let token = hidden(&res.text().unwrap(), "token");
    let res = c
        .post(server.at("/login"))
        .header("cookie", format!("kaoping_login={login}"))
        .form(&[
            ("name", CUIHU.0),
            ("password", CUIHU.1),
            ("token", &token),
            ("next", "/"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303);
    format!("kaoping_session={}", cookie_value(&res, "kaoping_session"))
}

fn cookie_value(res: &reqwest::blocking::Response, name: &str) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_string()
}

#[test]
fn a_made_up_device_cookie_is_not_a_new_device() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let path = open_link(dir);
    let server = Server::start(dir, &[]);
    let bare = Client::builder().redirect(Policy::none()).build().unwrap();
    // A real device: its cookie is signed (id.mac).
    let res = bare.get(server.at(&path)).send().unwrap();
    let device = cookie_value(&res, "kaoping_device");
    let (id, mac) = device.split_once('.').expect("a signed device cookie");
    assert_eq!((id.len(), mac.len()), (32, 64), "{device}");
    let nonce = hidden(&res.text().unwrap(), "nonce");
    let real = format!("kaoping_device={device}");
    let (status, page) = post_answer(&bare, &server, &path, &nonce, Some(&real));
    assert_eq!(status, 200, "{page}");
    let stored = || {
        log(dir)
            .into_iter()
            .filter(|r| r["kind"] == "survey-open-answer")
            .count()
    };
    assert_eq!(stored(), 1);
    // Made-up cookies: a bare random id (as the old cookie was), another
    // id with the real signature, a signature of the wrong length.
    let forged = [
        "kaoping_device=0123456789abcdef0123456789abcdef".to_string(),
        format!("kaoping_device=fedcba9876543210fedcba9876543210.{mac}"),
        format!("kaoping_device={id}.00"),
    ];
    for cookie in &forged {
        let res = bare
            .get(server.at(&path))
            .header("cookie", cookie)
            .send()
            .unwrap();
        // The server does not take it: it hands out a cookie of its own.
        assert!(cookie_value(&res, "kaoping_device").contains('.'));
        let nonce = hidden(&res.text().unwrap(), "nonce");
        let (status, page) = post_answer(&bare, &server, &path, &nonce, Some(cookie));
        assert_eq!(status, 400, "{cookie}: {page}");
        assert!(page.contains("Cookie"), "{page}");
    }
    assert_eq!(stored(), 1);
    // The real device a second time: already answered.
    let res = bare
        .get(server.at(&path))
        .header("cookie", &real)
        .send()
        .unwrap();
    let nonce = hidden(&res.text().unwrap(), "nonce");
    let (_, page) = post_answer(&bare, &server, &path, &nonce, Some(&real));
    assert!(page.contains("已经答过"), "{page}");
    assert_eq!(stored(), 1);
    // The key is kept in the archive, readable by its owner only, and
    // never in the log.
    let key_file = dir.join("archive/server-secret.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(key.trim().len(), 64);
    let log_text = std::fs::read_to_string(dir.join("archive/log.jsonl")).unwrap();
    assert!(!log_text.contains(key.trim()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
