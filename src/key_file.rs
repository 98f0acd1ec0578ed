//! Where an L1 private key comes from — the wallet's, the operator's: a file or an environment
//! variable, never the command line, where every user of the machine can read it (`ps`,
//! `/proc/PID/cmdline`) and the shell's history keeps it.

use std::path::Path;

/// Where a key may come from: a file given by a flag, or else an environment variable.
#[derive(Clone, Copy)]
pub(crate) struct KeySource {
    /// The flag that names the file (`--key-file`).
    pub(crate) flag: &'static str,
    /// The environment variable.
    pub(crate) env: &'static str,
}

/// The wallet's key.
pub(crate) const WALLET_KEY: KeySource = KeySource { flag: "--key-file", env: "ZKROLLUP_WALLET_KEY" };
/// The operator's key, which the node sends its L1 transactions with.
pub(crate) const OPERATOR_KEY: KeySource = KeySource { flag: "--l1-key-file", env: "ZKROLLUP_L1_KEY" };

/// The most a key file may hold: a 0x-hex key, a line end, and room for spaces.
const MAX_KEY_FILE: u64 = 256;

/// Why a key given as a flag's value is refused (`source` says where it belongs).
pub(crate) fn refused_on_command_line(flag: &str, source: KeySource) -> String {
    format!(
        "{flag}: a key on the command line is readable by every user of this machine (ps, /proc) and stays in \
         the shell's history; put it in a file readable only by you ({} PATH) or in {}",
        source.flag, source.env
    )
}

/// A key as read, and where from (for errors: never the key itself).
pub(crate) struct Key {
    pub(crate) hex: String,
    pub(crate) source: String,
}

/// The key from `file` (given by `source.flag`), or else from `source.env`; `None` if neither
/// is given. A file that others may read is used, with a warning (ssh refuses such a file; a
/// user may keep keys on a machine of their own).
pub(crate) fn load(file: Option<&Path>, source: KeySource) -> Result<Option<Key>, String> {
    let flag = source.flag;
    if let Some(path) = file {
        // A key is 66 characters: read no more than a little past that (not /dev/zero whole).
        let mut text = String::new();
        let read = std::fs::File::open(path)
            .and_then(|f| std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_KEY_FILE), &mut text));
        read.map_err(|e| format!("{flag} {}: {e}", path.display()))?;
        if text.len() as u64 == MAX_KEY_FILE {
            return Err(format!("{flag} {}: longer than a key (it holds the L1 private key, hex)", path.display()));
        }
        warn_if_shared(path);
        let key = text.trim();
        if key.is_empty() {
            return Err(format!("{flag} {}: the file is empty (it holds the L1 private key, hex)", path.display()));
        }
        return Ok(Some(Key { hex: key.to_string(), source: format!("{flag} {}", path.display()) }));
    }
    let env = source.env;
    match std::env::var(env) {
        Ok(v) if !v.trim().is_empty() => Ok(Some(Key { hex: v.trim().to_string(), source: env.to_string() })),
        Ok(_) => Err(format!("{env} is set but empty")),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{env} is not text (it holds the L1 private key, hex)")),
        Err(std::env::VarError::NotPresent) => Ok(None),
    }
}

#[cfg(unix)]
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!("warning: {} can be read by other users of this machine (chmod 600 it)", path.display());
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_: &Path) {}
