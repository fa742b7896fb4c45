//! Text for the console: aligned tables (Chinese characters take two
//! columns), role names, times.

use dangjian_domain::role::Role;

/// English and Chinese name of a role.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::InfoOfficer => "信息员 Information officer",
        Role::SectionHead => "科室负责人 Section head",
        Role::DeputyMinister => "分管部长 Deputy minister",
        Role::Minister => "部长 Minister",
        Role::SiteEditor => "站点编辑 Site editor",
        Role::SystemAdmin => "系统管理员 System administrator",
        Role::SecurityAdmin => "安全管理员 Security administrator",
        Role::AuditAdmin => "审计管理员 Audit administrator",
    }
}

/// `2026-11-27 21:06:09` in China Standard Time.
pub fn time(ms: i64) -> String {
    dangjian_domain::clock::format_local(ms)
}

/// Columns a terminal uses for `text`: East Asian wide characters take two.
pub fn width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

fn pad(text: &str, columns: usize) -> String {
    let fill = columns.saturating_sub(width(text));
    format!("{text}{}", " ".repeat(fill))
}

/// Rows under a header, each column as wide as its widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(cell));
            }
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| pad(cell, *w))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// `name  value` lines, the values aligned.
pub fn fields(lines: &[(&str, String)]) -> String {
    let columns = lines.iter().map(|(name, _)| width(name)).max().unwrap_or(0);
    lines
        .iter()
        .map(|(name, value)| format!("{}  {value}\n", pad(name, columns)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("县委组织部"), 10);
        assert_eq!(width("组织部 A"), 8);
    }

    #[test]
    fn tables_align() {
        let text = table(
            &["id", "name"],
            &[
                vec!["1".into(), "张三".into()],
                vec!["10".into(), "li".into()],
            ],
        );
        assert_eq!(text, "id  name\n1   张三\n10  li\n");
    }
}
