//! `kaoping expert assign|unassign|list`: which communities each expert
//! of the 专家组 may see (and, later, assess).

use std::io::Write;

use clap::Subcommand;

use kaoping::accounts::{Accounts, Role};
use kaoping::actions::{Ctx, Wait, experts};

use super::output::{self, pad};
use super::{Context, wait_message};

/// 给专家分配考评社区
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 把社区分配给专家（已分配的保留）
    Assign(Assignment),
    /// 取消分配给专家的社区
    Unassign(Assignment),
    /// 列出每位专家分配到的社区
    List,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Assignment {
    /// 专家账号名（用 kaoping user add 账号 --role expert 开设）
    #[arg(value_name = "账号名")]
    name: String,
    /// 社区编号，可写多个
    #[arg(long, value_name = "编号", num_args = 1.., required = true)]
    community: Vec<String>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, Wait::Yes(&wait_message));
    let mut out = output::stdout();
    match args.command {
        Sub::Assign(a) => {
            let added = experts::assign(&act, &a.name, &a.community)?;
            if added.is_empty() {
                writeln!(out, "这些社区都已分配给专家 {}，没有改动", a.name)?;
            } else {
                writeln!(out, "已把社区 {} 分配给专家 {}", added.join("、"), a.name)?;
            }
        }
        Sub::Unassign(a) => {
            experts::unassign(&act, &a.name, &a.community)?;
            writeln!(
                out,
                "已取消分配给专家 {} 的社区 {}",
                a.name,
                a.community.join("、")
            )?;
        }
        Sub::List => {
            let all = Accounts::load(archive.root())?;
            let experts: Vec<_> = all
                .accounts
                .iter()
                .filter(|a| a.role == Role::Expert)
                .collect();
            if experts.is_empty() {
                writeln!(
                    out,
                    "还没有专家账号（用 kaoping user add 账号 --role expert 开设）"
                )?;
            }
            for a in experts {
                let communities = if a.assigned.is_empty() {
                    "未分配社区".to_string()
                } else {
                    a.assigned.join("、")
                };
                writeln!(out, "{}{communities}", pad(&a.name, 20, false))?;
            }
        }
    }
    Ok(out.flush()?)
}
