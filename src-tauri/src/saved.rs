//! Saved ClickHouse connections: URL, user and database in the app's config
//! directory (`connections.json`), the password in the OS keychain (the
//! Secret Service on Linux, Keychain on macOS, the Credential Manager on
//! Windows, through the keyring crate), never in a file or a log. Without a
//! keychain the connection is saved without its password, and the user is
//! told so.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The keychain's service name for Tracelens' ClickHouse passwords.
const SERVICE: &str = "tracelens-clickhouse";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedConn {
    pub url: String,
    pub user: String,
    pub database: String,
    /// An internal CA's certificate (PEM path) for https; empty: none.
    #[serde(default)]
    pub ca_cert: String,
}

impl SavedConn {
    /// The keychain entry's account: one per server, user and database.
    fn account(&self) -> String {
        format!("{}@{}/{}", self.user, self.url, self.database)
    }
}

/// The saved connections in `dir`, newest first.
pub fn list(dir: &Path) -> Vec<SavedConn> {
    std::fs::read(file(dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn file(dir: &Path) -> PathBuf {
    dir.join("connections.json")
}

fn write(dir: &Path, list: &[SavedConn]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot save the connection: {e}"))?;
    let json = serde_json::to_vec_pretty(list).map_err(|e| e.to_string())?;
    std::fs::write(file(dir), json).map_err(|e| format!("cannot save the connection: {e}"))
}

fn entry(c: &SavedConn) -> Result<keyring::Entry, String> {
    keyring::Entry::new(SERVICE, &c.account()).map_err(|e| format!("no keychain: {e}"))
}

/// Saves `c` (first in the list) and its password in the keychain. The
/// answer says where the password went; an empty password removes a stored
/// one.
pub fn save(dir: &Path, c: &SavedConn, password: &str) -> Result<String, String> {
    let mut all = list(dir);
    // One entry per keychain account (server, user, database).
    all.retain(|x| x.account() != c.account());
    all.insert(0, c.clone());
    write(dir, &all)?;
    let stored = entry(c).and_then(|e| {
        if password.is_empty() {
            match e.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(err) => Err(err.to_string()),
            }
        } else {
            e.set_password(password).map_err(|err| err.to_string())
        }
    });
    Ok(match stored {
        Ok(()) if password.is_empty() => "saved (no password)".into(),
        Ok(()) => "saved, the password in the keychain".into(),
        Err(e) => format!("saved without the password: the keychain is unavailable ({e})"),
    })
}

/// The password stored for `c`; empty when there is none.
pub fn password(c: &SavedConn) -> Result<String, String> {
    match entry(c)?.get_password() {
        Ok(p) => Ok(p),
        Err(keyring::Error::NoEntry) => Ok(String::new()),
        Err(e) => Err(format!("cannot read the password from the keychain: {e}")),
    }
}

/// Forgets `c` and its stored password.
pub fn forget(dir: &Path, c: &SavedConn) -> Result<(), String> {
    let mut all = list(dir);
    all.retain(|x| x.account() != c.account());
    write(dir, &all)?;
    match entry(c).map(|e| e.delete_credential()) {
        Ok(Ok(())) | Ok(Err(keyring::Error::NoEntry)) => Ok(()),
        Ok(Err(e)) => Err(format!(
            "forgotten, but the keychain kept the password: {e}"
        )),
        // No keychain: nothing was stored there.
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::{BufRead, Write};
    use std::process::{Child, Command, Stdio};

    /// A private D-Bus session with gnome-keyring's Secret Service on it,
    /// unlocked, for this test process (the keyring crate connects to
    /// $DBUS_SESSION_BUS_ADDRESS). scripts/setup.sh installs both.
    struct Keychain {
        children: Vec<Child>,
        _dir: tempfile::TempDir,
    }

    impl Drop for Keychain {
        fn drop(&mut self) {
            for c in &mut self.children {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }

    fn keychain() -> Keychain {
        let dir = tempfile::tempdir().unwrap();
        let runtime = dir.path().join("run");
        std::fs::create_dir_all(&runtime).unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (scripts/setup.sh installs it)");
        let mut addr = String::new();
        std::io::BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut addr)
            .unwrap();
        // Set before the keyring crate first looks, and only in this test binary.
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", addr.trim());
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", addr.trim())
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_DATA_HOME", dir.path())
            .env("HOME", dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (scripts/setup.sh installs it)");
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(b"tracelens-test").unwrap();
        drop(stdin);
        // Ready once the Secret Service answers on the bus.
        let ok = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.GetNameOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", addr.trim())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
        assert!(ok, "the Secret Service did not come up");
        Keychain {
            children: vec![daemon, bus],
            _dir: dir,
        }
    }

    #[test]
    fn the_password_goes_to_the_keychain_never_to_the_file() {
        let _kc = keychain();
        let cfg = tempfile::tempdir().unwrap();
        let c = SavedConn {
            url: "http://staging:8123".into(),
            user: "reader".into(),
            database: "otel".into(),
            ca_cert: String::new(),
        };
        let secret = "s3cr3t-Pa55-\u{1F511}";
        let said = save(cfg.path(), &c, secret).unwrap();
        assert_eq!(said, "saved, the password in the keychain");
        assert_eq!(list(cfg.path()), vec![c.clone()]);
        // Nothing of the password in the config directory.
        for f in std::fs::read_dir(cfg.path()).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            assert!(!text.contains("s3cr3t"), "{text}");
        }
        assert_eq!(password(&c).unwrap(), secret);
        // Another connection has none.
        let other = SavedConn {
            database: "other".into(),
            ..c.clone()
        };
        assert_eq!(password(&other).unwrap(), "");
        // Saving again puts it first once (a new CA path replaces the old
        // entry); forgetting removes both.
        save(cfg.path(), &other, "").unwrap();
        let with_ca = SavedConn {
            ca_cert: "/etc/ssl/internal-ca.pem".into(),
            ..c.clone()
        };
        save(cfg.path(), &with_ca, secret).unwrap();
        assert_eq!(list(cfg.path()), vec![with_ca, other.clone()]);
        forget(cfg.path(), &c).unwrap();
        assert_eq!(list(cfg.path()), vec![other]);
        assert_eq!(password(&c).unwrap(), "");
    }
}
