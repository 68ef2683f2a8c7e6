//! A large batch of documents from one command (`kaoping receipt --all`
//! over many communities). Regression: batches were rendered from a rayon
//! iterator, whose workers nested whole documents on their stacks while
//! Typst waited for its own parallel work, and the process aborted with a
//! stack overflow after about a hundred documents.

use std::path::Path;

use assert_cmd::Command;

const COMMUNITIES: usize = 220;

fn kaoping(archive: &Path) -> Command {
    let mut cmd = crate::util::kaoping(archive.parent().unwrap_or(archive));
    cmd.arg("--archive").arg(archive);
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn receipts_for_every_community_in_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    ok(kaoping(&archive).arg("init"));
    let mut csv = String::from("编号,名称,所属区县,类型,批次\n");
    for i in 1..=COMMUNITIES {
        csv.push_str(&format!("T-{i},测试{i}社区,五华区,城市社区,第一阶段\n"));
    }
    let list = tmp.path().join("communities.csv");
    std::fs::write(&list, csv).unwrap();
    ok(kaoping(&archive).args(["community", "import"]).arg(&list));
    let evidence = tmp.path().join("材料/Ⅱ-01 党组织领导核心作用/标准1");
    std::fs::create_dir_all(&evidence).unwrap();
    std::fs::write(evidence.join("会议记录.txt"), "支部会议记录").unwrap();
    for i in 1..=COMMUNITIES {
        ok(kaoping(&archive)
            .args(["ingest", "--community", &format!("T-{i}")])
            .arg(tmp.path().join("材料")));
    }
    let out = tmp.path().join("out");
    ok(kaoping(&archive)
        .args(["receipt", "--all", "--date", "2026-11-27", "-o"])
        .arg(&out));
    let mut pdfs: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pdfs.sort();
    assert_eq!(pdfs.len(), COMMUNITIES, "{pdfs:?}");
    for i in 1..=COMMUNITIES {
        let name = format!("五华区-测试{i}社区-第1版-材料提交回执.pdf");
        assert!(pdfs.contains(&name), "{name} missing");
        let bytes = std::fs::read(out.join(&name)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{name} is not a PDF");
    }
    // Every receipt has its own 发文字号 in the register.
    let register = ok(kaoping(&archive).arg("register"));
    for n in [1, COMMUNITIES / 2, COMMUNITIES] {
        assert!(
            register.contains(&format!("〔2026〕{n}号")),
            "number {n} missing: {register}"
        );
    }
}
