//! 问卷编号: `社区编号-考评点-序号-校验码`, e.g. `WH-001-01-0007-4`. The
//! check digit (Damm algorithm over the digits of the rest, letters counted
//! as two digits) catches every single wrong digit and every swap of two
//! neighbours a clerk might type.

/// Damm's quasigroup of order 10.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn digits(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            out.push(d as u8);
        } else if c.is_ascii_alphabetic() {
            let v = c.to_ascii_uppercase() as u8 - b'A' + 10;
            out.extend([v / 10, v % 10]);
        } else if !c.is_ascii() {
            // Other letters (rare in ids) by their code point's last digits.
            let v = u32::from(c) % 100;
            out.extend([(v / 10) as u8, (v % 10) as u8]);
        }
    }
    out
}

/// The check digit of `body` (`WH-001-01-0007`).
pub fn check_digit(body: &str) -> u8 {
    digits(body)
        .into_iter()
        .fold(0u8, |i, d| DAMM[i as usize][d as usize])
}

/// The number of copy `serial` at point `point` of `community`.
pub fn format(community: &str, point: u32, serial: u32) -> String {
    let body = format!("{community}-{point:02}-{serial:04}");
    let c = check_digit(&body);
    format!("{body}-{c}")
}

/// A number's parts: community, point, serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// Community id.
    pub community: String,
    /// Point, from 1.
    pub point: u32,
    /// Serial within the community, from 1.
    pub serial: u32,
}

/// Why a typed number is not a 问卷编号.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Not of the shape.
    #[error("“{0}”不是问卷编号：应写成 社区编号-考评点-序号-校验码，如 WH-001-01-0007-4")]
    Shape(String),
    /// The check digit does not match (a digit typed wrong).
    #[error("问卷编号“{0}”的校验码不对，请核对问卷上印的编号（可能有数字输错或顺序颠倒）")]
    Check(String),
}

/// Parses and checks a typed number (spaces around it ignored, letters in
/// any case).
pub fn parse(input: &str) -> Result<(String, Parts), NumberError> {
    let s = input.trim().to_ascii_uppercase();
    let shape = || NumberError::Shape(input.trim().to_string());
    let mut it = s.rsplitn(4, '-');
    let (Some(check), Some(serial), Some(point), Some(community)) =
        (it.next(), it.next(), it.next(), it.next())
    else {
        return Err(shape());
    };
    let all_digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(check, 1)
        || !all_digits(serial, 4)
        || !all_digits(point, 2)
        || community.is_empty()
    {
        return Err(shape());
    }
    let body = format!("{community}-{point}-{serial}");
    if check_digit(&body).to_string() != check {
        return Err(NumberError::Check(input.trim().to_string()));
    }
    let parts = Parts {
        community: community.to_string(),
        point: point.parse().map_err(|_| shape())?,
        serial: serial.parse().map_err(|_| shape())?,
    };
    Ok((s, parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_catch_typing_errors() {
        let n = format("WH-001", 1, 7);
        assert!(n.starts_with("WH-001-01-0007-"));
        let (canon, p) = parse(&format!(" {} ", n.to_lowercase())).unwrap();
        assert_eq!(canon, n);
        assert_eq!((p.community.as_str(), p.point, p.serial), ("WH-001", 1, 7));
        // Every single wrong digit and every neighbour swap in the serial.
        let body = "WH-001-01-0007";
        let c = check_digit(body);
        for (i, ch) in body.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
            for d in (0..10).map(|d| char::from(b'0' + d)).filter(|d| *d != ch) {
                let mut typo = body.to_string();
                typo.replace_range(i..i + 1, &d.to_string());
                assert_ne!(check_digit(&typo), c, "{typo}");
            }
        }
        assert_ne!(check_digit("WH-001-01-0070"), c);
        assert!(matches!(
            parse("WH-001-01-0007-x"),
            Err(NumberError::Shape(_))
        ));
        assert!(matches!(parse("0007"), Err(NumberError::Shape(_))));
        let wrong = (c + 1) % 10;
        assert!(matches!(
            parse(&format!("{body}-{wrong}")),
            Err(NumberError::Check(_))
        ));
    }
}
