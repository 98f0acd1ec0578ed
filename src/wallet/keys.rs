//! Where the wallet's L1 key comes from: a file or an environment variable, never the command
//! line, where every user of the machine can read it (`ps`, `/proc/PID/cmdline`) and the
//! shell's history keeps it.

use std::path::Path;

/// The environment variable a key may come from.
pub(crate) const KEY_ENV: &str = "ZKROLLUP_WALLET_KEY";

/// The most a key file may hold: a 0x-hex key, a line end, and room for spaces.
const MAX_KEY_FILE: u64 = 256;

/// Why a key given as a flag's value is refused.
pub(crate) fn refused_on_command_line(flag: &str) -> String {
    format!(
        "{flag}: a key on the command line is readable by every user of this machine (ps, /proc) and stays in \
         the shell's history; put it in a file readable only by you (--key-file PATH) or in {KEY_ENV}"
    )
}

/// A key as read, and where from (for errors: never the key itself).
pub(crate) struct Key {
    pub(crate) hex: String,
    pub(crate) source: String,
}

/// The key from `file`, or else from [`KEY_ENV`]; `None` if neither is given. A file that
/// others may read is used, with a warning (ssh refuses such a file; a wallet's user may
/// keep keys on a machine of their own).
pub(crate) fn load(file: Option<&Path>) -> Result<Option<Key>, String> {
    if let Some(path) = file {
        // A key is 66 characters: read no more than a little past that (not /dev/zero whole).
        let mut text = String::new();
        let read = std::fs::File::open(path)
            .and_then(|f| std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_KEY_FILE), &mut text));
        read.map_err(|e| format!("--key-file {}: {e}", path.display()))?;
        if text.len() as u64 == MAX_KEY_FILE {
            return Err(format!("--key-file {}: longer than a key (it holds the L1 private key, hex)", path.display()));
        }
        warn_if_shared(path);
        let key = text.trim();
        if key.is_empty() {
            return Err(format!("--key-file {}: the file is empty (it holds the L1 private key, hex)", path.display()));
        }
        return Ok(Some(Key { hex: key.to_string(), source: format!("--key-file {}", path.display()) }));
    }
    match std::env::var(KEY_ENV) {
        Ok(v) if !v.trim().is_empty() => Ok(Some(Key { hex: v.trim().to_string(), source: KEY_ENV.to_string() })),
        Ok(_) => Err(format!("{KEY_ENV} is set but empty")),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(format!("{KEY_ENV} is not text (it holds the L1 private key, hex)"))
        }
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
