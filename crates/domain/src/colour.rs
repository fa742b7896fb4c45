//! The site's brand colour: parsed from `#rrggbb`, and accepted only when
//! white text on it (the masthead, the navigation) and it as link colour on
//! white both keep the WCAG 2.1 AA contrast of 4.5:1.

use crate::Invalid;

/// The contrast WCAG 2.1 AA asks of normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// The portal's own red, used when no colour is set.
pub const DEFAULT_BRAND: Rgb = Rgb(0xb0, 0x12, 0x1b);

const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);

/// A colour in sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` or `rrggbb`, either case.
    pub fn parse_hex(text: &str) -> Option<Rgb> {
        let hex = text.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(channel(0)?, channel(2)?, channel(4)?))
    }

    /// Lower-case `rrggbb` without the `#`: safe in a URL and in CSS.
    pub fn hex(self) -> String {
        format!("{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let s = f64::from(c) / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }

    /// The same hue, darker: for hover states, the navigation bar and links.
    pub fn darker(self) -> Rgb {
        let scale = |c: u8| (f64::from(c) * 0.78).round() as u8;
        Rgb(scale(self.0), scale(self.1), scale(self.2))
    }
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// The brand colour an editor typed: empty is none (the default red);
/// otherwise a `#rrggbb` dark enough for white text.
pub fn parse_brand_colour(input: &str, field: &str) -> Result<Option<Rgb>, Invalid> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    let colour =
        Rgb::parse_hex(input).ok_or_else(|| Invalid::one(field, "site.error.colour_format"))?;
    if contrast(colour, WHITE) < MIN_CONTRAST {
        return Err(Invalid::one(field, "site.error.colour_contrast"));
    }
    Ok(Some(colour))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        assert!((contrast(WHITE, Rgb(0, 0, 0)) - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // #767676 is the lightest grey that passes AA on white.
        assert!(contrast(WHITE, Rgb(0x76, 0x76, 0x76)) >= 4.5);
        assert!(contrast(WHITE, Rgb(0x77, 0x77, 0x77)) < 4.5);
    }

    #[test]
    fn the_default_red_and_its_darker_shade_pass() {
        assert!(contrast(DEFAULT_BRAND, WHITE) >= MIN_CONTRAST);
        assert!(contrast(DEFAULT_BRAND.darker(), WHITE) > contrast(DEFAULT_BRAND, WHITE));
    }

    #[test]
    fn brand_colours_are_parsed_and_checked() {
        assert_eq!(parse_brand_colour("", "c"), Ok(None));
        assert_eq!(
            parse_brand_colour(" #C8161D ", "c"),
            Ok(Some(Rgb(0xc8, 0x16, 0x1d)))
        );
        assert_eq!(
            parse_brand_colour("8a0e15", "c").unwrap().unwrap().hex(),
            "8a0e15"
        );
        for bad in ["red", "#fff", "#12345g", "#1234567", "url(x)"] {
            assert!(parse_brand_colour(bad, "c").is_err(), "{bad}");
        }
        // Light yellow under white text is unreadable: refused.
        let refused = parse_brand_colour("#ffd700", "c").unwrap_err();
        assert_eq!(refused.errors[0].code, "site.error.colour_contrast");
    }
}
