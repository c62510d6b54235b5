//! Configuration, read once from environment variables (and `.env` in development).

use std::fmt;
use std::path::PathBuf;

/// Settings of one server process. `Debug` redacts secrets.
#[derive(Clone)]
pub struct Config {
    /// `sqlite:data/huanjie.db` by default, or `postgres://…`.
    pub database_url: String,
    /// Listening address.
    pub bind: String,
    /// Mark session cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Inactivity expiry of sessions, in minutes.
    pub session_minutes: i64,
    /// Password of the first `admin` account, if given (else random, printed once).
    pub admin_password: Option<String>,
    /// Login throttling: failures per account within the window.
    pub login_max_account_failures: i64,
    /// Login throttling: failures per address within the window.
    pub login_max_address_failures: i64,
    /// Login throttling window, in minutes.
    pub login_window_minutes: i64,
    /// Name of the street, used when the database is created.
    pub street_name: String,
    /// The argon2id cost of new password hashes (a stored hash carries its own cost, so
    /// verifying never depends on this).
    pub password_cost: PasswordCost,
    /// Commit durability: `Full` (every commit reaches the disk before it is acknowledged) in
    /// production; `Normal` only where a lost commit does not matter (the test suite's throwaway
    /// databases).
    pub durability: Durability,
    /// A pinned "today" (`HUANJIE_TODAY=YYYY-MM-DD`) for a rehearsal or a demo; `None` follows
    /// the system clock in China Standard Time.
    pub today: Option<chrono::NaiveDate>,
    /// The Ed25519 key file that signs the audit anchors (`HUANJIE_ANCHOR_KEY`), kept outside
    /// the database; `None` when not configured. See [`crate::audit::anchor`].
    pub anchor_key: Option<PathBuf>,
    /// The address people open the site at (`HUANJIE_PUBLIC_URL`, e.g.
    /// `https://huanjie.example.gov.cn`), for the full display links and their QR codes;
    /// `None` takes it from each request's `Host`.
    pub public_url: Option<String>,
}

/// The argon2id parameters used to hash a new password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordCost {
    /// Memory, in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl PasswordCost {
    /// The argon2 crate's defaults (19 MiB, 2 iterations, 1 lane; OWASP's recommendation).
    pub const PRODUCTION: PasswordCost = PasswordCost {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    /// The smallest cost argon2 accepts, for test databases whose passwords protect nothing.
    pub const MINIMUM: PasswordCost = PasswordCost {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };
}

/// How durable a commit is when it is acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// SQLite `synchronous=FULL`, PostgreSQL as the server is set (`synchronous_commit` on by
    /// default): a commit survives a crash and a power loss.
    Full,
    /// SQLite `synchronous=NORMAL` (with WAL), PostgreSQL `synchronous_commit=off` for the
    /// session: the database stays consistent, but the last commits may be lost in a crash.
    /// For the test suite's throwaway databases only.
    Normal,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn env_num(name: &str, default: i64) -> i64 {
    env_or(name, &default.to_string())
        .parse()
        .unwrap_or(default)
}

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Config {
        Config {
            database_url: env_or("DATABASE_URL", "sqlite:data/huanjie.db"),
            bind: env_or("HUANJIE_BIND", "127.0.0.1:3000"),
            secure_cookies: env_or("HUANJIE_SECURE_COOKIES", "false") == "true",
            session_minutes: env_num("HUANJIE_SESSION_MINUTES", 8 * 60),
            admin_password: std::env::var("HUANJIE_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty()),
            login_max_account_failures: env_num("HUANJIE_LOGIN_MAX_ACCOUNT_FAILURES", 5),
            login_max_address_failures: env_num("HUANJIE_LOGIN_MAX_ADDRESS_FAILURES", 50),
            login_window_minutes: env_num("HUANJIE_LOGIN_WINDOW_MINUTES", 15),
            street_name: env_or("HUANJIE_STREET_NAME", "舜耕街道"),
            password_cost: PasswordCost::PRODUCTION,
            durability: Durability::Full,
            today: std::env::var("HUANJIE_TODAY")
                .ok()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()),
            anchor_key: std::env::var("HUANJIE_ANCHOR_KEY")
                .ok()
                .filter(|p| !p.trim().is_empty())
                .map(|p| PathBuf::from(p.trim())),
            public_url: std::env::var("HUANJIE_PUBLIC_URL")
                .ok()
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        }
    }

    /// The given database, everything else as in production.
    pub fn for_database(url: &str) -> Config {
        Config {
            database_url: url.to_string(),
            admin_password: None,
            ..Config::from_defaults()
        }
    }

    /// The test suite's configuration: the given throwaway database, the minimum password cost
    /// and SQLite commits that are not flushed to the disk one by one. Everything else as in
    /// production.
    pub fn for_tests(url: &str) -> Config {
        Config {
            password_cost: PasswordCost::MINIMUM,
            durability: Durability::Normal,
            ..Config::for_database(url)
        }
    }

    fn from_defaults() -> Config {
        Config {
            database_url: "sqlite:data/huanjie.db".into(),
            bind: "127.0.0.1:3000".into(),
            secure_cookies: false,
            session_minutes: 8 * 60,
            admin_password: None,
            login_max_account_failures: 5,
            login_max_address_failures: 50,
            login_window_minutes: 15,
            street_name: "舜耕街道".into(),
            password_cost: PasswordCost::PRODUCTION,
            durability: Durability::Full,
            today: None,
            anchor_key: None,
            public_url: None,
        }
    }
}

/// Hides the password in a database URL.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_minutes", &self.session_minutes)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "***"),
            )
            .field(
                "login_max_account_failures",
                &self.login_max_account_failures,
            )
            .field(
                "login_max_address_failures",
                &self.login_max_address_failures,
            )
            .field("login_window_minutes", &self.login_window_minutes)
            .field("street_name", &self.street_name)
            .field("password_cost", &self.password_cost)
            .field("durability", &self.durability)
            .field("anchor_key", &self.anchor_key)
            .field("public_url", &self.public_url)
            .finish()
    }
}
