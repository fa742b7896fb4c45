use figment::Jail;

use super::*;

fn flags() -> ConfigFlags {
    ConfigFlags::default()
}

fn load_in_jail(flags: &ConfigFlags) -> Result<Settings, String> {
    load(flags).map_err(|e| e.0)
}

/// Runs `test` in a jail with a clean environment and an empty directory.
#[allow(clippy::result_large_err)] // figment's own error type
fn jailed(test: impl FnOnce(&mut Jail) -> Result<(), String>) {
    Jail::expect_with(|jail| {
        jail.clear_env();
        test(jail).map_err(figment::Error::from)
    });
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    jailed(|jail| {
        let settings = load_in_jail(&flags())?;
        assert_eq!(settings.config_file, None);
        assert_eq!(settings.data_dir, PathBuf::from("./data"));
        assert_eq!(
            settings.public_addr,
            "[::]:8080".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(
            settings.office_addr,
            "127.0.0.1:8081".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(settings.audit_hash, HashAlgo::Sm3);
        assert!(!settings.secure_cookies);
        assert!(settings.trusted_proxies.is_empty());
        let db = std::path::absolute(jail.directory().join("data/dangjian.db")).unwrap();
        assert_eq!(
            settings.database_url,
            format!("sqlite://{}?mode=rwc", db.display())
        );
        assert!(
            settings
                .sources
                .iter()
                .all(|(_, source)| source.starts_with("default"))
        );
        Ok(())
    });
}

#[test]
fn flag_beats_environment_beats_file_beats_default() {
    jailed(|jail| {
        jail.create_file(
            "dangjian.toml",
            r#"
            public_addr = "127.0.0.1:1001"
            office_addr = "127.0.0.1:2001"
            audit_hash = "sha256"
            "#,
        )
        .unwrap();
        jail.set_env("DANGJIAN_PUBLIC_ADDR", "127.0.0.1:1002");
        jail.set_env("DANGJIAN_OFFICE_ADDR", "127.0.0.1:2002");
        let mut flags = flags();
        flags.public_addr = Some("127.0.0.1:1003".into());
        let settings = load_in_jail(&flags)?;
        assert_eq!(settings.config_file, Some(PathBuf::from("dangjian.toml")));
        assert_eq!(settings.public_addr.port(), 1003, "flag");
        assert_eq!(settings.office_addr.port(), 2002, "environment");
        assert_eq!(settings.audit_hash, HashAlgo::Sha256, "file");
        assert!(!settings.secure_cookies, "default");
        let source = |name: &str| {
            settings
                .sources
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(source("public_addr"), "command line --public-addr");
        assert_eq!(source("office_addr"), "environment DANGJIAN_OFFICE_ADDR");
        assert_eq!(source("audit_hash"), "file dangjian.toml");
        assert_eq!(source("secure_cookies"), "default");
        Ok(())
    });
}

#[test]
fn environment_values_are_read_as_written() {
    jailed(|jail| {
        jail.set_env("DANGJIAN_PUBLIC_ADDR", "[::]:9000");
        jail.set_env("DANGJIAN_OFFICE_ADDR", "[::1]:9001");
        jail.set_env("DANGJIAN_SECURE_COOKIES", "true");
        jail.set_env("DANGJIAN_TRUSTED_PROXIES", "10.0.0.1, ::1");
        jail.set_env("DANGJIAN_AUDIT_HASH", "SHA256");
        jail.set_env("DANGJIAN_DATA_DIR", "/srv/dangjian");
        let settings = load_in_jail(&flags())?;
        assert_eq!(
            settings.public_addr,
            "[::]:9000".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(
            settings.office_addr,
            "[::1]:9001".parse::<SocketAddr>().unwrap()
        );
        assert!(settings.secure_cookies);
        assert_eq!(
            settings.trusted_proxies,
            vec![
                "10.0.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert_eq!(settings.audit_hash, HashAlgo::Sha256);
        assert_eq!(
            settings.database_url,
            "sqlite:///srv/dangjian/dangjian.db?mode=rwc"
        );
        Ok(())
    });
}

#[test]
fn variables_that_are_not_settings_are_ignored() {
    jailed(|jail| {
        jail.set_env("DANGJIAN_AS", "sysadmin");
        jail.set_env("DANGJIAN_PASSWORD", "secret");
        jail.set_env("DANGJIAN_LOG", "debug");
        jail.set_env(
            "DANGJIAN_TEST_DATABASE_URL",
            "postgres://postgres@127.0.0.1/test",
        );
        let settings = load_in_jail(&flags())?;
        assert!(settings.database_url.starts_with("sqlite://"));
        Ok(())
    });
}

#[test]
fn the_file_takes_lists_and_booleans() {
    jailed(|jail| {
        jail.create_file(
            "site.toml",
            r#"
            data_dir = "/var/lib/dangjian"
            database_url = "postgres://dj:pw@db.example:5432/dangjian"
            secure_cookies = true
            trusted_proxies = ["192.168.1.1", "192.168.1.2"]
            "#,
        )
        .unwrap();
        jail.set_env("DANGJIAN_CONFIG", "site.toml");
        let settings = load_in_jail(&flags())?;
        assert_eq!(settings.data_dir, PathBuf::from("/var/lib/dangjian"));
        assert_eq!(
            settings.database_url,
            "postgres://dj:pw@db.example:5432/dangjian"
        );
        assert!(settings.secure_cookies);
        assert_eq!(settings.trusted_proxies.len(), 2);
        let toml = settings.to_toml();
        assert!(
            toml.contains("database_url = \"postgres://dj:***@db.example:5432/dangjian\""),
            "{toml}"
        );
        assert!(!toml.contains("pw@"), "{toml}");
        assert!(
            toml.contains("trusted_proxies = [\"192.168.1.1\", \"192.168.1.2\"]"),
            "{toml}"
        );
        Ok(())
    });
}

#[test]
fn the_printed_settings_read_back_the_same() {
    jailed(|jail| {
        jail.set_env("DANGJIAN_TRUSTED_PROXIES", "10.1.1.1");
        jail.set_env("DANGJIAN_SECURE_COOKIES", "yes");
        let first = load_in_jail(&flags())?;
        jail.clear_env();
        jail.create_file("printed.toml", &first.to_toml()).unwrap();
        let mut flags = flags();
        flags.config = Some("printed.toml".into());
        let second = load_in_jail(&flags)?;
        assert_eq!(second.database_url, first.database_url);
        assert_eq!(second.trusted_proxies, first.trusted_proxies);
        assert_eq!(second.secure_cookies, first.secure_cookies);
        assert_eq!(second.public_addr, first.public_addr);
        Ok(())
    });
}

#[test]
fn a_bad_address_names_the_key_flag_variable_and_value() {
    jailed(|jail| {
        jail.set_env("DANGJIAN_PUBLIC_ADDR", "abc");
        let error = load_in_jail(&flags()).unwrap_err();
        assert!(
            error.starts_with(
                "invalid public_addr (--public-addr, DANGJIAN_PUBLIC_ADDR): \"abc\" is not a socket address; \
                 expected an address and port such as [::]:8080 or 127.0.0.1:8080"
            ),
            "{error}"
        );
        assert!(
            error.contains("environment DANGJIAN_PUBLIC_ADDR"),
            "{error}"
        );
        Ok(())
    });
}

#[test]
fn bad_values_are_refused() {
    let cases: [(&str, &str, &str); 6] = [
        ("audit_hash = \"md5\"", "invalid audit_hash", "\"md5\""),
        (
            "secure_cookies = \"maybe\"",
            "invalid secure_cookies",
            "\"maybe\"",
        ),
        (
            "trusted_proxies = [\"10.0.0.1\", \"proxy\"]",
            "invalid trusted_proxies",
            "\"proxy\"",
        ),
        ("office_addr = 8081", "invalid office_addr", "\"8081\""),
        (
            "database_url = \"mysql://root:pw@db/x\"",
            "invalid database_url",
            "mysql://root:***@db/x",
        ),
        (
            "listen = \"0.0.0.0:80\"",
            "unknown key \"listen\"",
            "dangjian.toml",
        ),
    ];
    for (line, expected, detail) in cases {
        jailed(|jail| {
            jail.create_file("dangjian.toml", line).unwrap();
            let error = load_in_jail(&flags()).unwrap_err();
            assert!(error.starts_with(expected), "{line}: {error}");
            assert!(error.contains(detail), "{line}: {error}");
            assert!(!error.contains(":pw@"), "{line}: {error}");
            Ok(())
        });
    }
}

#[test]
fn an_explicit_config_file_must_exist() {
    jailed(|_| {
        let mut flags = flags();
        flags.config = Some("missing.toml".into());
        let error = load_in_jail(&flags).unwrap_err();
        assert!(error.contains("missing.toml"), "{error}");
        assert!(error.contains("--config, DANGJIAN_CONFIG"), "{error}");
        Ok(())
    });
}

#[test]
fn a_file_that_is_not_toml_is_refused() {
    jailed(|jail| {
        jail.create_file("dangjian.toml", "public_addr = [")
            .unwrap();
        let error = load_in_jail(&flags()).unwrap_err();
        assert!(
            error.starts_with("cannot read configuration file dangjian.toml"),
            "{error}"
        );
        Ok(())
    });
}

#[test]
fn urls_are_redacted_and_strings_quoted() {
    assert_eq!(
        values::redact_url("postgres://u:p@h:5432/d"),
        "postgres://u:***@h:5432/d"
    );
    assert_eq!(
        values::redact_url("postgres://u@h/d?password=x&sslmode=require"),
        "postgres://u@h/d?password=***&sslmode=require"
    );
    assert_eq!(
        values::redact_url("sqlite:///a/b.db?mode=rwc"),
        "sqlite:///a/b.db?mode=rwc"
    );
    assert_eq!(values::quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_eq!(
        values::encode_path(Path::new("/a b/c%d?e")),
        "/a%20b/c%25d%3Fe"
    );
}

#[test]
fn the_example_file_is_valid_and_documents_every_key() {
    let example = include_str!("../../dangjian.toml.example");
    for key in KEYS {
        assert!(
            example.contains(&format!("{} = ", key.name)),
            "{} is not documented",
            key.name
        );
        assert!(
            example.contains(key.flag) && example.contains(key.env),
            "{}",
            key.name
        );
    }
    jailed(|jail| {
        jail.create_file("dangjian.toml", example).unwrap();
        let settings = load_in_jail(&flags())?;
        assert_eq!(settings.config_file, Some(PathBuf::from("dangjian.toml")));
        assert_eq!(settings.audit_hash, HashAlgo::Sm3);
        Ok(())
    });
}

#[test]
fn e_mail_is_off_without_an_smtp_host() {
    jailed(|_| {
        let settings = load_in_jail(&flags())?;
        assert_eq!(settings.smtp.mail_config(), None);
        assert_eq!(settings.smtp.port, 587);
        let toml = settings.to_toml();
        assert!(
            toml.contains("smtp_port = 587  # default (for smtp_tls)"),
            "{toml}"
        );
        assert!(toml.contains("smtp_password = \"\"  # default"), "{toml}");
        Ok(())
    });
}

#[test]
fn smtp_settings_come_from_every_layer_and_the_password_is_never_shown() {
    jailed(|jail| {
        jail.create_file(
            "dangjian.toml",
            r#"
            smtp_host = "smtp.example.gov.cn"
            smtp_tls = "tls"
            smtp_from = "党建网 <noreply@example.gov.cn>"
            "#,
        )
        .unwrap();
        // Taken as written: figment alone would read a list and a number.
        jail.set_env("DANGJIAN_SMTP_PASSWORD", "[pa55]");
        jail.set_env("DANGJIAN_SMTP_USERNAME", "0123");
        let mut flags = flags();
        flags.office_url = Some("https://OA.example.gov.cn/".into());
        let settings = load_in_jail(&flags)?;
        let mail = settings.smtp.mail_config().expect("e-mail on");
        assert_eq!(mail.smtp.host, "smtp.example.gov.cn");
        assert_eq!(mail.smtp.port, 465, "the port of tls");
        assert_eq!(mail.smtp.tls, dangjian_app::mail::TlsMode::Tls);
        assert_eq!(mail.smtp.username, "0123");
        assert_eq!(mail.smtp.password, "[pa55]");
        assert_eq!(
            mail.office_url.as_deref(),
            Some("https://oa.example.gov.cn")
        );
        let toml = settings.to_toml();
        assert!(!toml.contains("pa55"), "{toml}");
        assert!(!format!("{settings:?}").contains("pa55"));
        assert!(
            toml.contains("smtp_password = \"***\"  # environment DANGJIAN_SMTP_PASSWORD"),
            "{toml}"
        );
        assert!(toml.contains("smtp_tls = \"tls\"  # file"), "{toml}");
        Ok(())
    });
}

#[test]
fn bad_smtp_settings_are_refused_without_showing_the_password() {
    let cases: [(&str, &str); 6] = [
        ("smtp_tls = \"ssl\"", "invalid smtp_tls"),
        ("smtp_port = 0", "invalid smtp_port"),
        ("smtp_host = \"smtp.example.gov.cn\"", "smtp_from"),
        (
            "smtp_host = \"smtp.example.gov.cn\"\nsmtp_from = \"noreply\"",
            "invalid smtp_from",
        ),
        (
            "office_url = \"https://oa.example.gov.cn/login\"",
            "invalid office_url",
        ),
        (
            "smtp_host = \"smtp.example.gov.cn\"\nsmtp_from = \"a@example.gov.cn\"\n\
             smtp_tls = \"none\"\nsmtp_username = \"u\"\nsmtp_password = \"pw-secret\"",
            "invalid smtp_tls",
        ),
    ];
    for (lines, expected) in cases {
        jailed(|jail| {
            jail.create_file("dangjian.toml", lines).unwrap();
            let error = load_in_jail(&flags()).unwrap_err();
            assert!(error.contains(expected), "{lines}: {error}");
            assert!(!error.contains("pw-secret"), "{lines}: {error}");
            Ok(())
        });
    }
    jailed(|jail| {
        jail.set_env("DANGJIAN_SMTP_PASSWORD", "pw-secret\u{7}");
        let error = load_in_jail(&flags()).unwrap_err();
        assert!(error.starts_with("invalid smtp_password"), "{error}");
        assert!(!error.contains("pw-secret"), "{error}");
        Ok(())
    });
}
