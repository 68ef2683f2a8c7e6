//! The record of a 街道（乡镇）'s evidence handed in (the `data` of
//! `street-evidence`): which 街道, the version, and each file with the
//! standard it backs. The evidence counts for each pilot community of the
//! 街道, for the standards addressed to the 街道 only.

use serde::{Deserialize, Serialize};

use super::archive::ObjectRef;

/// One version of a 街道's shared evidence; a later version replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreetEvidence {
    /// The district (Attachment 1's name).
    pub district: String,
    /// The 街道（乡镇）'s name.
    pub street: String,
    /// Version of this 街道's evidence, from 1.
    pub version: u32,
    /// What was handed in (file or folder name as given).
    pub source: String,
    /// The account that handed it in; none from the office's console.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The files, each with its standard.
    pub files: Vec<StreetFile>,
    /// The files' objects, in the order of `files`.
    pub objects: Vec<ObjectRef>,
}

/// One file of a 街道's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreetFile {
    /// Indicator code, e.g. `Ⅱ-2`.
    pub indicator: String,
    /// Standard number.
    pub standard: u32,
    /// Its place in the evidence tree (`Ⅱ-2 …/标准1/…`).
    pub placed: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;

    #[test]
    fn the_line_is_pinned() {
        let e = Event::Street(StreetEvidence {
            district: "五华区".into(),
            street: "华山街道".into(),
            version: 1,
            source: "街道材料.zip".into(),
            by: Some("hs".into()),
            files: vec![StreetFile {
                indicator: "Ⅱ-2".into(),
                standard: 1,
                placed: "Ⅱ-2/标准1/a.pdf".into(),
            }],
            objects: vec![ObjectRef {
                sha256: "ab".into(),
                size: 2,
                sm3: None,
            }],
        });
        let want = r#"{"kind":"street-evidence","data":{"district":"五华区","street":"华山街道","version":1,"source":"街道材料.zip","by":"hs","files":[{"indicator":"Ⅱ-2","standard":1,"placed":"Ⅱ-2/标准1/a.pdf"}],"objects":[{"sha256":"ab","size":2}]}}"#;
        assert_eq!(serde_json::to_string(&e).unwrap(), want);
        assert_eq!(serde_json::from_str::<Event>(want).unwrap(), e);
    }
}
