//! The command line in Chinese: parsing with usage errors translated
//! (the argument named, the likely fix suggested), help headings and
//! clap's notes in Chinese, and `kaoping help [命令…]`.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::{Cli, HELP_TEMPLATE};

/// Parses the command line; on a usage error prints a Chinese message and
/// returns the exit code to use.
pub fn parse() -> Result<Cli, ExitCode> {
    use clap::{CommandFactory, FromArgMatches};
    // The Chinese headings and usage lines only show in help and errors;
    // dressing every subcommand costs about a millisecond per process, so
    // a command line that parses is taken as it is and only one that does
    // not is parsed again with them to render the message.
    if let Ok(cli) = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        return Ok(cli);
    }
    command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(|e| match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                print!("{}", chinese_headings(&e.render().to_string()));
                if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                }
            }
            _ => {
                let sub = subcommand_in_args();
                let mut message = usage_message(&e);
                if let Some(hint) = positional_hint(&e, sub.as_deref()) {
                    message.push_str(&hint);
                }
                eprintln!("错误：{message}");
                match sub {
                    Some(s) => eprintln!("运行 kaoping {s} --help 查看这个命令的用法。"),
                    None => eprintln!("运行 kaoping --help 查看用法。"),
                }
                ExitCode::from(2)
            }
        })
}

/// The command definition with every usage line in Chinese: clap writes
/// `[OPTIONS]` and `<COMMAND>` into the usage it makes up for a command
/// without its own.
pub(super) fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = house_style(Cli::command());
    // Building sets each subcommand's full name for its usage line.
    cmd.build();
    localize_usage(cmd)
}

/// Every command below `cmd` in the house style: the program's help
/// layout, its own arguments under 选项 and its commands under 命令.
fn house_style(mut cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| {
            let own: Vec<clap::Id> = sub
                .get_arguments()
                .filter(|a| a.get_help_heading().is_none())
                .map(|a| a.get_id().clone())
                .collect();
            let mut sub = sub
                .help_template(HELP_TEMPLATE)
                .subcommand_help_heading("命令")
                .subcommand_value_name("命令");
            for id in own {
                sub = sub.mut_arg(id, |a| a.help_heading("选项"));
            }
            house_style(sub)
        });
    }
    cmd
}

fn localize_usage(mut cmd: clap::Command) -> clap::Command {
    let usage = cmd
        .render_usage()
        .to_string()
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[选项]")
        .replace("<COMMAND>", "<命令>")
        .replace("[COMMAND]", "[命令]");
    cmd = cmd.override_usage(usage);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, localize_usage);
    }
    cmd
}

/// Help text with its headings ended by a Chinese colon (clap ends them
/// with an ASCII one).
fn chinese_headings(help: &str) -> String {
    help.lines()
        .map(|l| match l.strip_suffix(':') {
            Some(h) if !h.starts_with(' ') && !h.is_empty() => format!("{h}："),
            _ => chinese_brackets(l),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A help line with clap's `[default: …]` and `[possible values: …]`
/// notes in Chinese.
fn chinese_brackets(line: &str) -> String {
    let mut out = line.to_string();
    for (en, zh) in [
        ("[default: ", "（默认："),
        ("[possible values: ", "（可选值："),
    ] {
        if let Some(at) = out.find(en)
            && let Some(end) = out[at..].find(']')
        {
            let value = out[at + en.len()..at + end].to_string();
            out = format!("{}{zh}{value}）{}", &out[..at], &out[at + end + 1..]);
        }
    }
    out
}

/// The subcommand named on the command line (the first argument that is
/// one), for pointing usage errors at its own help.
fn subcommand_in_args() -> Option<String> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    std::env::args()
        .skip(1)
        .find(|a| cmd.find_subcommand(a).is_some())
}

/// For a stray value where an option was meant (`ingest 材料 WH-001`): the
/// option that probably belongs in front of it.
fn positional_hint(e: &clap::Error, sub: Option<&str>) -> Option<String> {
    use clap::CommandFactory;
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    if arg.starts_with('-') {
        return None;
    }
    let cmd = Cli::command();
    let takes_community = cmd
        .find_subcommand(sub?)?
        .get_arguments()
        .any(|a| a.get_id() == "community");
    takes_community.then(|| format!("；如果“{arg}”是社区编号，请写成 --community {arg}"))
}

/// Translates clap's usage errors into Chinese, keeping the argument named.
fn usage_message(e: &clap::Error) -> String {
    let ctx = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "没有“{}”这个命令{}",
            ctx(ContextKind::InvalidSubcommand),
            suggestion(&ctx(ContextKind::SuggestedSubcommand))
        ),
        ErrorKind::UnknownArgument => format!(
            "不认识的选项“{arg}”{}",
            suggestion(&ctx(ContextKind::SuggestedArg))
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必填参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "参数 {arg} 的值“{}”无效{}",
            ctx(ContextKind::InvalidValue),
            match (ctx(ContextKind::ValidValue), std::error::Error::source(e)) {
                (_, Some(reason)) if reason.is::<std::num::ParseIntError>() => {
                    "：只能写阿拉伯数字，如 1".to_string()
                }
                (_, Some(reason)) => format!("：{reason}"),
                (v, None) if !v.is_empty() => format!("，可选值：{v}"),
                _ => String::new(),
            }
        ),
        ErrorKind::ArgumentConflict => {
            format!("选项 {arg} 不能与 {} 同时使用", ctx(ContextKind::PriorArg))
        }
        _ => {
            // Fall back to clap's own text for rare kinds, without its
            // English "error:" prefix.
            let text = e.render().to_string();
            text.trim_start_matches("error: ")
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        }
    }
}

fn suggestion(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("；您是不是要输入“{s}”？")
    }
}

/// `kaoping help [命令…]`: the help of the program or of a command.
pub(super) fn help(path: &[String]) -> anyhow::Result<()> {
    let mut cmd = command();
    for name in path {
        let Some(sub) = cmd.find_subcommand(name).cloned() else {
            anyhow::bail!("没有“{name}”这个命令；运行 kaoping help 查看全部命令");
        };
        cmd = sub;
    }
    print!("{}", chinese_headings(&cmd.render_help().to_string()));
    Ok(())
}
