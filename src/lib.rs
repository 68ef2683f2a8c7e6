//! kaoping (考评): evidence archive and official-document generation for
//! Kunming's urban–rural community governance innovation pilots
//! (城乡社区治理创新试点, 昆办通〔2018〕54号).
//!
//! The library owns every stage; the `kaoping` binary only parses arguments
//! and prints. Modules:
//! - [`catalog`]: the evaluation system of Attachment 2 (items, indicators,
//!   standards, methods) and the codes people type for them;
//! - [`districts`]: the district task table of Attachment 1;
//! - [`config`]: the office's `kaoping.toml`;
//! - [`clock`]: the current time and today in Beijing time;
//! - [`interrupt`]: Ctrl+C deferred while a committed issue is delivered;
//! - [`outfile`]: files the user names (no silent overwrite, the umask);
//! - [`root`]: the archive root folder and `init`;
//! - [`fsutil`]: atomic, durable file writes;
//! - [`progress`]: the progress-reporting trait;
//! - [`textenc`]: decoding UTF-8/GBK text files;
//! - [`table`]: tables people fill in or open (CSV and Excel/WPS
//!   workbooks, read and written);
//! - [`community`]: the registered pilot communities;
//! - [`application`]: 申报, districts' applications within the quotas;
//! - [`archive`]: the evidence archive (object store, submissions, log,
//!   ingest, verify, BagIt export);
//! - [`assessment`]: assessment sheets, computed verdicts and scoring;
//! - [`demo`]: the whole flow on sample data;
//! - [`documents`]: 考评报告, 整改通知书, 命名证书, 材料提交回执, 进度汇总表;
//! - [`issuance`]: the document register (numbers, issued PDFs);
//! - [`render`]: the document rendering engine (templates → Typst → PDF/A);
//! - [`accounts`]: local web accounts (argon2 password hashes);
//! - [`field`]: 实地考评 and 网络（媒体）调查 evidence (points, photos,
//!   visits, grid data, media captures, field forms);
//! - [`scope`]: which communities an account may see and act on;
//! - [`secret`]: the archive's server key (signed device cookies);
//! - [`sign`]: signing issued documents (organ keys, PAdES, SM3);
//! - [`survey`]: 问卷调查: the questionnaire, numbered copies, answers,
//!   statistics and verdicts;
//! - [`inspection`]: 督查 and 调研 during 试点创建, whose problems open
//!   rectification items;
//! - [`units`]: the 责任单位 register with their 分管负责人 and 联络员;
//! - [`plans`]: districts' 工作方案 and 考评实施细则;
//! - [`records`]: 归档 and 移交: filing records by phase, archival
//!   packages (DA/T 48), the 四性检测 (DA/T 70) and the handover;
//! - [`actions`]: every user action, one function each, which the CLI
//!   and the web both call;
//! - [`web`]: the web pages behind `kaoping serve`.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod accounts;
pub mod actions;
pub mod application;
pub mod archive;
pub mod assessment;
pub mod catalog;
pub mod clock;
pub mod community;
pub mod config;
pub mod dates;
pub mod demo;
pub mod districts;
pub mod documents;
pub mod event;
pub mod field;
pub mod fsutil;
pub mod handtext;
pub mod inspection;
pub mod interrupt;
pub mod issuance;
pub mod limits;
pub mod meter;
pub mod naming;
pub mod outfile;
pub mod overview;
pub mod phases;
pub mod places;
pub mod plans;
pub mod records;
pub mod rectify;
pub mod render;
pub mod root;
pub mod scope;
pub mod secret;
pub mod sign;
pub mod sizes;
pub mod storage;
pub mod streets;
pub mod survey;
pub mod table;
pub mod textenc;
pub mod units;
pub mod web;
