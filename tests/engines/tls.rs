//! TLS for the test engines: a throwaway certificate authority made with
//! the `openssl` command ([`TestCa`]), a server certificate it signs for
//! 127.0.0.1 and `localhost`, and a TLS front for Garage's S3 API made
//! with stunnel ([`TlsFront`]), as a government cloud's load balancer
//! would put before a store that speaks plain HTTP.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::server::{Server, free_ports, log_tail, temp_dir, wait_until};

/// A CA and one server certificate it signed, as PEM files in a folder of
/// their own (removed on drop).
pub struct TestCa {
    dir: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("openssl not found ({e}): apt-get install openssl"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl TestCa {
    /// A new CA named `name` and a server certificate for 127.0.0.1 and
    /// localhost signed by it; `Err` is a skip reason (no openssl).
    pub fn new(name: &str) -> Result<TestCa, String> {
        let dir = temp_dir("kp-ca-")?;
        let ca = TestCa { dir };
        let d = &ca.dir;
        std::fs::write(
            d.join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        )
        .map_err(|e| e.to_string())?;
        let subj = format!("/CN={name}");
        for args in [
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                &subj,
            ][..],
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        ] {
            openssl(d, args)?;
        }
        Ok(ca)
    }

    /// The CA certificate (what clients trust).
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The server certificate signed by the CA.
    pub fn cert(&self) -> PathBuf {
        self.dir.join("server.pem")
    }

    /// The server certificate's private key.
    pub fn key(&self) -> PathBuf {
        self.dir.join("server.key")
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// stunnel on a loopback port, taking TLS with `ca`'s server certificate
/// and passing the plain bytes to another loopback port.
pub struct TlsFront {
    port: u16,
    _server: Server,
}

impl TlsFront {
    /// Starts the front for `to_port`; `Err` is a skip reason (no stunnel)
    /// or its log when it did not start listening.
    pub fn start(ca: &TestCa, to_port: u16) -> Result<TlsFront, String> {
        if Command::new("stunnel").arg("-version").output().is_err() {
            return Err("stunnel not found: apt-get install stunnel4".into());
        }
        let dir = temp_dir("kp-stunnel-")?;
        let port = free_ports(1)[0];
        let conf = format!(
            "foreground = yes\npid =\n[s3]\naccept = 127.0.0.1:{port}\nconnect = 127.0.0.1:{to_port}\ncert = {}\nkey = {}\n",
            ca.cert().display(),
            ca.key().display()
        );
        let file = dir.join("stunnel.conf");
        std::fs::write(&file, conf).map_err(|e| e.to_string())?;
        let log = dir.join("stunnel.log");
        let argv: Vec<OsString> = vec!["stunnel".into(), file.into()];
        let server = Server::spawn(None, &dir, &log, "TERM", &argv)?;
        let up = wait_until(Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        if !up {
            return Err(format!("stunnel did not listen: {}", log_tail(&log, 20)));
        }
        Ok(TlsFront {
            port,
            _server: server,
        })
    }

    /// `https://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
}
