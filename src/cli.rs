//! The command line: global options (the configuration) and the commands.
//!
//! Configuration flags are `Option`s without clap's own environment lookup,
//! so that `config` can merge them above the environment and `dangjian.toml`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// 党建网与办公平台 / Party-building portal and office platform.
#[derive(Debug, Parser)]
#[command(name = "dangjian", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub options: ConfigFlags,

    #[command(subcommand)]
    pub command: Command,
}

/// Settings given on the command line; each one beats its environment
/// variable and its key in `dangjian.toml`.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Configuration (flag > environment > dangjian.toml > default)")]
pub struct ConfigFlags {
    /// Configuration file [env: DANGJIAN_CONFIG] [default: ./dangjian.toml if it exists]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Data directory, created if missing [env: DANGJIAN_DATA_DIR] [default: ./data]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// sqlite:… or postgres://… [env: DANGJIAN_DATABASE_URL] [default: SQLite in the data directory]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Public website listener [env: DANGJIAN_PUBLIC_ADDR] [default: [::]:8080]
    #[arg(long, global = true, value_name = "ADDR")]
    pub public_addr: Option<String>,

    /// Office (LAN) listener [env: DANGJIAN_OFFICE_ADDR] [default: 127.0.0.1:8081]
    #[arg(long, global = true, value_name = "ADDR")]
    pub office_addr: Option<String>,

    /// Audit chain hash: sm3 or sha256 [env: DANGJIAN_AUDIT_HASH] [default: sm3]
    #[arg(long, global = true, value_name = "ALGO")]
    pub audit_hash: Option<String>,

    /// Mark cookies Secure (office served over HTTPS) [env: DANGJIAN_SECURE_COOKIES] [default: false]
    #[arg(
        long,
        global = true,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub secure_cookies: Option<String>,

    /// Proxies whose X-Forwarded-For is believed, comma-separated IPs [env: DANGJIAN_TRUSTED_PROXIES]
    #[arg(long, global = true, value_name = "IPS")]
    pub trusted_proxies: Option<String>,

    /// SMTP server for e-mail notifications; empty: no e-mail [env: DANGJIAN_SMTP_HOST]
    #[arg(long, global = true, value_name = "HOST")]
    pub smtp_host: Option<String>,

    /// SMTP port [env: DANGJIAN_SMTP_PORT] [default: 587, or 465 for tls, 25 for none]
    #[arg(long, global = true, value_name = "PORT")]
    pub smtp_port: Option<String>,

    /// starttls, tls, or none (only to a relay on this machine) [env: DANGJIAN_SMTP_TLS] [default: starttls]
    #[arg(long, global = true, value_name = "MODE")]
    pub smtp_tls: Option<String>,

    /// SMTP login name; empty: no login [env: DANGJIAN_SMTP_USERNAME]
    #[arg(long, global = true, value_name = "NAME")]
    pub smtp_username: Option<String>,

    /// SMTP password; prefer the environment or dangjian.toml (other local users can see flags) [env: DANGJIAN_SMTP_PASSWORD]
    #[arg(long, global = true, value_name = "PASSWORD")]
    pub smtp_password: Option<String>,

    /// Sender, e.g. "党建网 <noreply@example.gov.cn>" [env: DANGJIAN_SMTP_FROM]
    #[arg(long, global = true, value_name = "ADDRESS")]
    pub smtp_from: Option<String>,

    /// The office's address as people open it, for links in e-mails [env: DANGJIAN_OFFICE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub office_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the public website and the office (initialises a new installation first)
    Serve,
    /// Create (or refresh) a complete demo site with generated content, then serve it
    Demo(DemoArgs),
    /// Create the first site, unit and the three administrator accounts
    Init(InitArgs),
    /// Bring the database schema up to date and print its version
    Migrate,
    /// Rebuild the search index (a running server rebuilds in the background)
    Reindex,
    /// Print the effective settings as TOML (never secrets)
    Config,
    /// Manage accounts and roles, acting as a named administrator
    #[command(subcommand_required = true)]
    User(UserArgs),
    /// Verify or export the audit trail
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a backup of the database and media to FILE (safe while serving)
    Backup {
        /// The backup file to write (a .tar.gz)
        file: PathBuf,
    },
    /// Restore a backup into an empty installation
    Restore {
        /// The backup file to read
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Articles in all, shared out over the columns (default: 8–20 per column)
    #[arg(long, value_name = "N")]
    pub articles: Option<u64>,
    /// Only make the demo content; do not serve it
    #[arg(long)]
    pub no_serve: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Code of the first site
    #[arg(long, default_value = "main")]
    pub site_code: String,
    /// Name of the first site
    #[arg(long, default_value = "党建网")]
    pub site_name: String,
    /// Name of the first unit
    #[arg(long, default_value = "县委组织部")]
    pub unit_name: String,
    /// Contact phone recorded on the three administrator accounts
    #[arg(long, default_value = "00000000000")]
    pub phone: String,
}

/// Who runs a command that acts as a person.
#[derive(Debug, Clone, Args)]
pub struct Credentials {
    /// Username to act as (password from DANGJIAN_PASSWORD or the terminal)
    #[arg(
        long = "as",
        env = "DANGJIAN_AS",
        global = true,
        value_name = "USERNAME",
        hide_env_values = true
    )]
    pub acting_user: Option<String>,
    /// Current code of the authenticator app (TOTP)
    #[arg(
        long,
        env = "DANGJIAN_OTP",
        global = true,
        value_name = "CODE",
        hide_env_values = true
    )]
    pub otp: Option<String>,
}

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub credentials: Credentials,
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints its one-time password
    Add {
        #[arg(long)]
        username: String,
        /// The person's name
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        /// Unit id
        #[arg(long, value_name = "UNIT_ID")]
        unit: i64,
        /// Section id (in that unit)
        #[arg(long, value_name = "SECTION_ID")]
        section: Option<i64>,
        /// E-mail address notifications are also sent to (optional)
        #[arg(long, default_value = "", hide_default_value = true)]
        email: String,
    },
    /// List accounts
    List {
        /// Only accounts of this unit id
        #[arg(long, value_name = "UNIT_ID")]
        unit: Option<i64>,
        /// Part of a username or name
        #[arg(long, default_value = "", hide_default_value = true)]
        search: String,
    },
    /// Show one account and its roles
    Show { username: String },
    /// Disable an account (ends its sessions)
    Disable { username: String },
    /// Enable a disabled account
    Enable { username: String },
    /// Give an account a new one-time password
    ResetPassword { username: String },
    /// Grant a role in a scope
    Grant {
        username: String,
        /// info_officer, section_head, deputy_minister, minister, site_editor,
        /// system_admin, security_admin or audit_admin
        #[arg(long)]
        role: String,
        /// site, unit or section
        #[arg(long)]
        scope: String,
        #[arg(long, value_name = "ID")]
        scope_id: i64,
    },
    /// Revoke a grant (its id is shown by `user show`)
    Revoke {
        #[arg(long, value_name = "ID")]
        grant_id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole hash chain; exit status 1 names the first fault
    Verify,
    /// Export records as CSV (audit administrator only)
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub credentials: Credentials,
    /// Only records of this username
    #[arg(long, default_value = "", hide_default_value = true)]
    pub actor: String,
    /// An action code or its prefix (auth. finds every login event)
    #[arg(long, default_value = "", hide_default_value = true)]
    pub action: String,
    /// First day, YYYY-MM-DD (China Standard Time)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD, included
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let cli = Cli::try_parse_from([
            "dangjian",
            "--data-dir",
            "d",
            "migrate",
            "--audit-hash",
            "sha256",
        ])
        .unwrap();
        assert_eq!(cli.options.data_dir, Some(PathBuf::from("d")));
        assert_eq!(cli.options.audit_hash.as_deref(), Some("sha256"));
        let cli = Cli::try_parse_from(["dangjian", "--secure-cookies", "serve"]).unwrap();
        assert_eq!(cli.options.secure_cookies.as_deref(), Some("true"));
        let cli = Cli::try_parse_from(["dangjian", "--secure-cookies=false", "serve"]).unwrap();
        assert_eq!(cli.options.secure_cookies.as_deref(), Some("false"));
    }

    #[test]
    fn user_commands_take_the_acting_person() {
        let cli =
            Cli::try_parse_from(["dangjian", "user", "--as", "sysadmin", "show", "alice"]).unwrap();
        let Command::User(args) = cli.command else {
            panic!("not a user command")
        };
        assert_eq!(args.credentials.acting_user.as_deref(), Some("sysadmin"));
        assert!(matches!(args.command, UserCommand::Show { username } if username == "alice"));
        let cli = Cli::try_parse_from([
            "dangjian", "user", "list", "--as", "secadmin", "--otp", "123456",
        ])
        .unwrap();
        let Command::User(args) = cli.command else {
            panic!("not a user command")
        };
        assert_eq!(args.credentials.otp.as_deref(), Some("123456"));
    }
}
