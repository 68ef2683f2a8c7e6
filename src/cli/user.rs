//! `kaoping user add|list|passwd|remove`: local accounts for the web pages.

use std::io::{IsTerminal, Write};

use anyhow::{Context as _, bail};
use clap::Subcommand;

use kaoping::accounts::{self, Account, Accounts, Role};
use kaoping::actions::{self, Ctx, Wait};

use super::output::{self, pad};
use super::{Context, wait_message};

/// 管理网页登录账号
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 开设账号（密码在终端输入两次，或用 --password-stdin 从标准输入读入）
    Add(AddArgs),
    /// 列出全部账号
    List,
    /// 重设账号密码
    Passwd(PasswdArgs),
    /// 删除账号（正在使用的登录随即失效）
    Remove(NameArg),
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct AddArgs {
    /// 账号名（登录时输入）
    #[arg(value_name = "账号名")]
    name: String,
    /// 角色：community（社区工作人员，只能查看和提交本社区）、street（街道（乡镇）工作人员，查看本街道的试点社区，提交街道负责的标准的材料）、district（县（市）区工作人员，查看本县区的社区）、expert（专家组成员，查看分配给自己的社区）或 office（考评办，可查看全部并生成公文）
    #[arg(long, value_name = "角色", value_parser = parse_role)]
    role: Role,
    /// 社区账号所属的社区编号
    #[arg(long, value_name = "编号")]
    community: Option<String>,
    /// 县（市）区账号或街道（乡镇）账号所属的县（市）区，附件1中的名称，如 五华区
    #[arg(long, value_name = "县区")]
    district: Option<String>,
    /// 街道（乡镇）账号所属的街道（乡镇），须是社区名单中登记过的，如 华山街道
    #[arg(long, value_name = "街道")]
    street: Option<String>,
    /// 从标准输入读入密码（第一行），便于脚本开设账号
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct PasswdArgs {
    /// 账号名
    #[arg(value_name = "账号名")]
    name: String,
    /// 从标准输入读入新密码（第一行）
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct NameArg {
    /// 账号名
    #[arg(value_name = "账号名")]
    name: String,
}

fn parse_role(s: &str) -> Result<Role, String> {
    match s.trim() {
        "community" | "社区" => Ok(Role::Community),
        "office" | "考评办" => Ok(Role::Office),
        "district" | "县区" | "县（市）区" => Ok(Role::District),
        "expert" | "专家" => Ok(Role::Expert),
        "street" | "街道" | "乡镇" | "街道（乡镇）" => Ok(Role::Street),
        _ => Err(
            "角色只能是 community（社区）、street（街道（乡镇））、district（县（市）区）、expert（专家）或 office（考评办）"
                .into(),
        ),
    }
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("无法从标准输入读入密码")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !std::io::stdin().is_terminal() {
        bail!("请在终端中运行以便输入密码，或加 --password-stdin 从标准输入读入密码");
    }
    let first = rpassword::prompt_password("密码：").context("无法读入密码")?;
    let again = rpassword::prompt_password("再输入一次：").context("无法读入密码")?;
    if first != again {
        bail!("两次输入的密码不一致，账号没有改动");
    }
    Ok(first)
}

/// What a new account may reach, in a sentence.
fn reach(a: &Account) -> String {
    match a.role {
        Role::Office => "可查看全部社区、生成公文".into(),
        Role::Community => format!("只能查看和提交社区 {} 的材料", bound_to(a)),
        Role::District => format!("可查看{}的全部试点社区", bound_to(a)),
        Role::Street => format!(
            "可查看{}的试点社区，提交街道负责的标准的材料（kaoping street submit）",
            bound_to(a)
        ),
        Role::Expert => {
            "只能查看分配给自己的社区（用 kaoping expert assign 账号 --community 编号 分配）".into()
        }
    }
}

/// The list's column of what an account is bound to.
fn bound_to(a: &Account) -> String {
    match a.role {
        Role::Office => "全部社区".into(),
        Role::Community => a.community.clone().unwrap_or_default(),
        Role::District => a.district.clone().unwrap_or_default(),
        Role::Street => format!(
            "{}{}",
            a.district.as_deref().unwrap_or_default(),
            a.street.as_deref().unwrap_or_default()
        ),
        Role::Expert if a.assigned.is_empty() => "未分配社区".into(),
        Role::Expert => a.assigned.join("、"),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, Wait::Yes(&wait_message));
    let mut out = output::stdout();
    match args.command {
        Sub::Add(a) => {
            let password = read_password(a.password_stdin)?;
            let acc = actions::accounts::add(
                &act,
                &a.name,
                a.role,
                accounts::Binding {
                    community: a.community.as_deref(),
                    district: a.district.as_deref(),
                    street: a.street.as_deref(),
                },
                &password,
            )?;
            writeln!(
                out,
                "已开设{}账号 {}：{}",
                acc.role.name(),
                acc.name,
                reach(&acc)
            )?;
        }
        Sub::List => {
            let all = Accounts::load(archive.root())?;
            if all.accounts.is_empty() {
                writeln!(out, "还没有任何账号（用 kaoping user add 开设）")?;
            }
            let time = ctx.config()?.time;
            for a in &all.accounts {
                writeln!(
                    out,
                    "{}{}{}  开设于 {}",
                    pad(&a.name, 20, false),
                    pad(a.role.name(), 8, false),
                    pad(&bound_to(a), 14, false),
                    time.show_labelled(&a.created)
                )?;
            }
        }
        Sub::Passwd(a) => {
            let password = read_password(a.password_stdin)?;
            actions::accounts::set_password(&act, &a.name, &password)?;
            writeln!(out, "已重设账号 {} 的密码", a.name)?;
        }
        Sub::Remove(a) => {
            actions::accounts::remove(&act, &a.name)?;
            writeln!(out, "已删除账号 {}", a.name)?;
        }
    }
    Ok(out.flush()?)
}
