//! Writing tables from the command line: a table the user opens as an
//! Excel workbook (`--xlsx`, to a named file or to a redirected stdout) or
//! CSV on stdout, and a template to fill whose format follows the `-o`
//! file's extension.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use kaoping::outfile;
use kaoping::table::write::{self, Sheet};

use super::output;

/// `--xlsx [文件]` and `-o 文件`, for a table the user opens.
#[derive(Debug, clap::Args)]
pub struct TableOut {
    /// 输出 Excel 工作簿（.xlsx）：写上文件名（如 --xlsx 清单.xlsx），或用 -o 指定，或把输出重定向到文件
    #[arg(long, value_name = "文件", num_args = 0..=1, default_missing_value = "-")]
    pub xlsx: Option<PathBuf>,
    /// 输出到文件，格式按扩展名：.xlsx（Excel 工作簿）或 .csv
    #[arg(short = 'o', long = "output", value_name = "文件")]
    pub output: Option<PathBuf>,
    /// 输出文件已存在时覆盖它（默认拒绝）
    #[arg(long)]
    pub force: bool,
}

impl TableOut {
    /// Writes the table if `--xlsx`, `--csv` (`csv`) or `-o` asks for a
    /// file format; `Ok(false)` when the caller should print it itself.
    pub fn emit(&self, csv: bool, sheet: &dyn Fn() -> Sheet) -> anyhow::Result<bool> {
        let by_name = self
            .output
            .as_deref()
            .map(|p| template_kind(p, "表格"))
            .transpose()?;
        match (&self.xlsx, &self.output, by_name) {
            (Some(x), None, _) => write_xlsx(x, &[sheet()], self.force)?,
            (Some(x), Some(o), _) if x == Path::new("-") => write_xlsx(o, &[sheet()], self.force)?,
            (Some(_), Some(_), _) => {
                anyhow::bail!("--xlsx 后面已经写了文件名，就不要再用 -o；两者只写一个")
            }
            (None, Some(o), Some(TemplateKind::Xlsx)) => write_xlsx(o, &[sheet()], self.force)?,
            (None, Some(o), _) => {
                outfile::write(o, &write::csv(&sheet()), self.force)?;
                let mut out = output::stdout();
                writeln!(out, "已生成 CSV 表格：{}", o.display())?;
                out.flush()?;
            }
            (None, None, _) if csv => write_csv(&sheet())?,
            (None, None, _) => return Ok(false),
        }
        Ok(true)
    }
}

/// Writes `sheets` as a workbook to `target` (`-`: stdout, refused when
/// stdout is a terminal; an existing file is refused unless `force`).
pub fn write_xlsx(target: &Path, sheets: &[Sheet], force: bool) -> anyhow::Result<()> {
    let bytes = write::xlsx(sheets)?;
    if target == Path::new("-") {
        let mut out = std::io::stdout();
        if out.is_terminal() {
            anyhow::bail!(
                "Excel 工作簿不能显示在终端上：请在 --xlsx 后写上文件名，如 --xlsx 表格.xlsx"
            );
        }
        out.write_all(&bytes)?;
        return Ok(out.flush()?);
    }
    outfile::write(target, &bytes, force)?;
    let mut out = output::stdout();
    writeln!(out, "已生成 Excel 工作簿：{}", target.display())?;
    Ok(out.flush()?)
}

/// Writes `sheet` as CSV to stdout.
pub fn write_csv(sheet: &Sheet) -> anyhow::Result<()> {
    let mut out = output::stdout();
    out.write_all(&write::csv(sheet))?;
    Ok(out.flush()?)
}

/// The kind of template file `-o` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// An `.xlsx` workbook.
    Xlsx,
    /// A CSV file.
    Csv,
}

/// The kind of template `path` asks for, by its extension.
pub fn template_kind(path: &Path, what: &str) -> anyhow::Result<TemplateKind> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    match ext.as_deref() {
        Some("xlsx") => Ok(TemplateKind::Xlsx),
        Some("csv") => Ok(TemplateKind::Csv),
        _ => anyhow::bail!(
            "{what}可以生成 Excel 工作簿（.xlsx，推荐：有下拉列表，用 Excel 或 WPS 填好直接保存）或 CSV 文件（.csv）；请把 -o 的文件名改为以 .xlsx 或 .csv 结尾，如 {what}.xlsx"
        ),
    }
}

/// Writes a template, refusing to replace an existing file unless `force`.
pub fn write_template(path: &Path, force: bool, bytes: &[u8]) -> anyhow::Result<()> {
    outfile::write(path, bytes, force).map_err(|e| match e {
        outfile::OutFileError::Exists { .. } => anyhow::anyhow!(
            "{} 已经存在（可能是已填好的表格），为免覆盖没有写入；请换一个文件名，或加 --force 覆盖",
            path.display()
        ),
        other => other.into(),
    })
}
