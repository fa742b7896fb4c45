//! Personal data out of published letters: the writer's name becomes its
//! first character and stars (张*), and phone numbers, identity card
//! numbers and e-mail addresses written into the text are masked too —
//! writers often sign with them.

/// `张三` → `张*`, `欧阳小明` → `欧***`; an empty name stays empty.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest = chars.count().max(1);
    format!("{first}{}", "*".repeat(rest))
}

/// The text with every run of 7 or more digits (phones, identity card
/// numbers; an identity number may end in X) masked except its first three
/// and last two characters, and the local part of e-mail addresses hidden.
pub fn mask_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = digit_run(&chars, i);
        if run >= 7 {
            out.extend(mask_run(&chars[i..i + run]));
            i += run;
        } else if run > 0 {
            out.extend(&chars[i..i + run]);
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    mask_emails(&out)
}

/// Length of the digit run at `start` (an `X`/`x` right after 17 digits
/// belongs to it: the check character of an identity number).
fn digit_run(chars: &[char], start: usize) -> usize {
    let digits = chars[start..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let check = digits == 17 && matches!(chars.get(start + 17), Some('X' | 'x'));
    digits + usize::from(check)
}

fn mask_run(run: &[char]) -> Vec<char> {
    run.iter()
        .enumerate()
        .map(|(i, c)| if i < 3 || i + 2 >= run.len() { *c } else { '*' })
        .collect()
}

/// `name@example.com` → `***@example.com`.
fn mask_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@') {
            word.push(c);
        } else {
            out.push_str(&mask_word(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&mask_word(&word));
    out
}

fn mask_word(word: &str) -> String {
    match word.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
            format!("***@{domain}")
        }
        _ => word.to_owned(),
    }
}
