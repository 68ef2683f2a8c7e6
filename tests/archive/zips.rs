//! Ingesting ZIP files: GBK names and the wrapping folder. Unsafe entries,
//! zip bombs and other bad input are in `corpus.rs`.

use super::util::zip_raw;
use crate::util::TestArchive;

#[test]
fn gbk_names_without_the_utf8_flag_are_decoded() {
    let env = TestArchive::new();
    env.community("A1");
    let (gbk_name, _, _) =
        encoding_rs::GBK.encode("社区材料/Ⅱ-01 党组织领导核心作用/标准1/会议记录.txt");
    let (gbk_name2, _, _) = encoding_rs::GBK.encode("社区材料/Ⅱ-14/标准3/工作机制.txt");
    zip_raw(
        &env.path("gbk.zip"),
        &[
            (&gbk_name, b"minutes"),
            (&gbk_name2, b"mechanism"),
            ("社区材料/Thumbs.db".as_bytes(), b"junk"),
        ],
    );
    env.ingest("gbk.zip", "A1", &[]);
    let files: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "--community", "A1", "--json"])).unwrap();
    let paths: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // The wrapping folder 社区材料/ is taken off.
    assert_eq!(
        paths,
        [
            "Ⅱ-01 党组织领导核心作用/标准1/会议记录.txt",
            "Ⅱ-14/标准3/工作机制.txt"
        ]
    );
    assert_eq!(
        files[1]["placed"],
        "Ⅱ-14 社区领导机制和工作机制/标准3/工作机制.txt"
    );
}
