//! Where an archive lives: the archive root folder (default `./archive`,
//! or `--archive` / `KAOPING_ARCHIVE`), its `kaoping.toml`, and creating a
//! new root with `kaoping init`.

use std::io;
use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError, DEFAULT_CONFIG};
use crate::fsutil;

pub mod setup;

pub use crate::config::storage::{CONFIG_FILE, TEMPLATES_DIR};

/// An archive root folder.
#[derive(Debug, Clone)]
pub struct ArchiveRoot {
    dir: PathBuf,
}

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitOutcome {
    /// A new root with a default configuration was created.
    Created,
    /// The root existed; missing parts were added, the config kept.
    AlreadyInitialised,
}

/// Why a root could not be created.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The path exists and is not a folder.
    #[error("{path} 已存在但不是文件夹，请换一个位置")]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// A write failed.
    #[error("无法写入 {path}")]
    Io {
        /// What was being written.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// The folder given as the archive is not one.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} 不是档案库（里面没有 kaoping.toml）。请检查 --archive 或环境变量 KAOPING_ARCHIVE 是否写错；要新建档案库请运行 kaoping init {}",
    dir.display(),
    dir.display()
)]
pub struct NotAnArchive {
    /// The folder.
    pub dir: PathBuf,
}

impl ArchiveRoot {
    /// Whether the folder is an archive: it holds a `kaoping.toml` (made by
    /// `init`) or a log (archives made before the configuration existed).
    pub fn exists(&self) -> bool {
        self.config_path().is_file() || self.dir.join(crate::storage::local::LOG_FILE).is_file()
    }

    /// Refuses a folder that is not an archive: every command but `init`
    /// works on an existing archive and never turns a mistyped folder into
    /// one.
    pub fn require(&self) -> Result<(), NotAnArchive> {
        if self.exists() {
            Ok(())
        } else {
            Err(NotAnArchive {
                dir: self.dir.clone(),
            })
        }
    }

    /// A root at `dir` (not checked yet).
    pub fn new(dir: impl Into<PathBuf>) -> ArchiveRoot {
        ArchiveRoot { dir: dir.into() }
    }

    /// The root folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The root's configuration file.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE)
    }

    /// The folder for office template overrides.
    pub fn templates_dir(&self) -> PathBuf {
        self.dir.join(TEMPLATES_DIR)
    }

    /// Loads the configuration: `explicit` if given (it must exist), else
    /// the root's `kaoping.toml` if present, else the built-in default.
    pub fn load_config(&self, explicit: Option<&Path>) -> Result<Config, ConfigError> {
        match explicit {
            Some(p) => Config::load(p),
            None => {
                let p = self.config_path();
                if p.exists() {
                    Config::load(&p)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    /// Creates the root folder with a commented default `kaoping.toml` and
    /// an empty `templates/` folder. An existing configuration is never
    /// overwritten.
    pub fn init(&self) -> Result<InitOutcome, InitError> {
        if self.dir.exists() && !self.dir.is_dir() {
            return Err(InitError::NotADirectory {
                path: self.dir.clone(),
            });
        }
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| InitError::Io { path, source }
        };
        fsutil::create_dir_durable(&self.dir).map_err(io_err(&self.dir))?;
        let templates = self.templates_dir();
        fsutil::create_dir_durable(&templates).map_err(io_err(&templates))?;
        let config = self.config_path();
        match fsutil::write_new_atomic(&config, DEFAULT_CONFIG.as_bytes()) {
            Ok(()) => Ok(InitOutcome::Created),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Ok(InitOutcome::AlreadyInitialised)
            }
            Err(e) => Err(io_err(&config)(e)),
        }
    }
}
