//! Text files people write by hand in Notepad or WPS — `kaoping.toml`,
//! community facts, TOML/JSON sheets and document data: decoded whatever
//! the editor saved (UTF-8 with or without BOM, or GBK, which Notepad calls
//! "ANSI"), and TOML errors told in Chinese with the line, the key and what
//! to write instead.

use std::path::Path;

/// Reads a hand-written text file: UTF-8 (a BOM is dropped) or GBK.
pub fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取 {}（{e}）", path.display()))?;
    match crate::textenc::decode(&bytes) {
        Some((text, _)) => Ok(text.into_owned()),
        None => Err(format!(
            "{} 既不是 UTF-8 也不是 GBK 编码的文字，无法读取。请用记事本打开，“另存为”时把编码选为 UTF-8 后再试",
            path.display()
        )),
    }
}

/// A TOML parse error in Chinese: where (line, column, the line itself),
/// what is wrong and how to write it.
pub fn explain_toml(e: &toml::de::Error, text: &str) -> String {
    let place = e.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let shown = text.lines().nth(line - 1).unwrap_or("").trim();
        format!("第 {line} 行第 {column} 列（{shown}）：")
    });
    format!("{}{}", place.unwrap_or_default(), toml_reason(e.message()))
}

/// The Chinese for the TOML parser's message (its English kept when it is
/// not one we know).
fn toml_reason(msg: &str) -> String {
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or("").to_string();
    if msg.contains("invalid unquoted key") || msg.contains("invalid key") {
        "键名里有汉字或符号时要加英文引号，例如 \"居民户数\" = 2400".into()
    } else if msg.starts_with("unknown field") {
        let expected: Vec<String> = msg
            .split("expected")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        format!(
            "不认识的项“{}”；可用的项有：{}",
            quoted(msg),
            if expected.is_empty() {
                "（见 kaoping init 生成的说明）".into()
            } else {
                expected.join("、")
            }
        )
    } else if msg.starts_with("missing field") {
        format!("缺少必填的项“{}”", quoted(msg))
    } else if msg.starts_with("invalid type: string")
        && (msg.contains("f64")
            || msg.contains("u32")
            || msg.contains("integer")
            || msg.contains("number")
            || msg.contains("u64"))
    {
        "这一项应为数字：只写数字，不加引号和单位，例如 面积写 960，不写 \"960平方米\"".into()
    } else if msg.starts_with("invalid type") && msg.contains("expected a string") {
        "这一项应为文字：请用英文引号括起来，例如 \"五华区\"".into()
    } else if msg.contains("duplicate key") {
        "同一项写了两次，请删掉其中一个".into()
    } else if msg.contains("expected `=`") || msg.contains("expected `.`, `=`") {
        "这里应该是“键 = 值”的写法，例如 \"居民户数\" = 2400".into()
    } else if msg.contains("invalid string")
        || msg.contains("unterminated")
        || msg.contains("invalid basic string")
    {
        "文字没有用英文引号括好（可能少了结尾的引号，或用了中文引号“”）".into()
    } else {
        format!("格式不对（{msg}）")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Facts {
        #[serde(rename = "居民户数")]
        households: Option<u32>,
        #[serde(rename = "面积")]
        area: Option<f64>,
    }

    fn why(text: &str) -> String {
        let e = toml::from_str::<Facts>(text).unwrap_err();
        explain_toml(&e, text)
    }

    #[test]
    fn common_toml_mistakes_are_explained_in_chinese() {
        let m = why("居民户数 = 2400\n");
        assert!(m.contains("第 1 行") && m.contains("加英文引号"), "{m}");
        let m = why("\"面积\" = \"960平方米\"\n");
        assert!(m.contains("只写数字"), "{m}");
        let m = why("\"居民户数\" = 2400\nfoo = 1\n");
        assert!(m.contains("第 2 行") && m.contains("“foo”"), "{m}");
        assert!(m.contains("居民户数"), "{m}");
    }

    #[test]
    fn bom_and_gbk_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let bom = dir.path().join("a.toml");
        std::fs::write(&bom, b"\xEF\xBB\xBF\"a\" = 1\n").unwrap();
        assert_eq!(read(&bom).unwrap(), "\"a\" = 1\n");
        let gbk = dir.path().join("b.toml");
        let (bytes, _, _) = encoding_rs::GBK.encode("\"居民户数\" = 1\n");
        std::fs::write(&gbk, &bytes).unwrap();
        assert_eq!(read(&gbk).unwrap(), "\"居民户数\" = 1\n");
    }
}
