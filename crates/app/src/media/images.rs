//! Images: decoded under limits (a decompression bomb is refused before its
//! pixels are allocated), EXIF removed from the stored original without
//! re-encoding it, and renditions made once at upload time.

use std::io::Cursor;

use dangjian_domain::Invalid;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use img_parts::{Bytes, ImageEXIF};

/// The largest width or height accepted.
pub const MAX_SIDE: u32 = 12_000;
/// The most memory one decode may allocate.
const MAX_ALLOC: u64 = 768 * 1024 * 1024;
const JPEG_QUALITY: u8 = 82;

/// The renditions made of every image: name and width (never upscaled).
pub const RENDITIONS: [(&str, u32); 3] = [("thumb", 240), ("list", 640), ("full", 1280)];

/// One rendition, encoded as JPEG (which carries no EXIF).
#[derive(Debug, Clone)]
pub struct RenditionBytes {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

/// What an image upload becomes.
#[derive(Debug, Clone)]
pub struct ProcessedImage {
    /// The original without EXIF (or unchanged where it has none).
    pub original: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<RenditionBytes>,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn refused(code: &str) -> Invalid {
    Invalid::one("file", code)
}

/// Decodes and checks an image whose type was sniffed as `mime`, strips
/// its EXIF and makes its renditions. CPU-bound: run it off the async
/// threads.
pub fn process(bytes: &[u8], mime: &str) -> Result<ProcessedImage, Invalid> {
    let decoded = decode(bytes)?;
    let original = strip_metadata(bytes, mime);
    let flat = flatten(&decoded);
    let renditions = RENDITIONS
        .iter()
        .map(|(name, width)| rendition(&flat, name, *width))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ProcessedImage {
        original,
        width: decoded.width(),
        height: decoded.height(),
        renditions,
    })
}

/// Decodes under the limits, applying the EXIF orientation so renditions
/// stand the right way up.
fn decode(bytes: &[u8]) -> Result<DynamicImage, Invalid> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| refused("media.error.image_unreadable"))?;
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| decode_error(&e))?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(refused("media.error.image_too_big"));
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| decode_error(&e))?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

fn decode_error(error: &image::ImageError) -> Invalid {
    match error {
        image::ImageError::Limits(_) => refused("media.error.image_too_big"),
        _ => refused("media.error.image_unreadable"),
    }
}

/// Removes EXIF (and XMP/IPTC in JPEG) losslessly; GIF has none.
fn strip_metadata(bytes: &[u8], mime: &str) -> Vec<u8> {
    let input = Bytes::copy_from_slice(bytes);
    let stripped = match mime {
        "image/jpeg" => img_parts::jpeg::Jpeg::from_bytes(input)
            .ok()
            .map(|mut jpeg| {
                jpeg.segments_mut().retain(|s| {
                    !matches!(
                        s.marker(),
                        img_parts::jpeg::markers::APP1 | img_parts::jpeg::markers::APP13
                    )
                });
                jpeg.encoder().bytes()
            }),
        "image/png" => img_parts::png::Png::from_bytes(input).ok().map(|mut png| {
            png.set_exif(None);
            png.encoder().bytes()
        }),
        "image/webp" => img_parts::webp::WebP::from_bytes(input)
            .ok()
            .map(|mut webp| {
                webp.set_exif(None);
                webp.encoder().bytes()
            }),
        _ => None,
    };
    stripped.map_or_else(|| bytes.to_vec(), |b| b.to_vec())
}

/// RGB on white (JPEG has no transparency).
fn flatten(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| {
            let c = u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a));
            u8::try_from(c / 255).unwrap_or(255)
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn rendition(
    image: &RgbImage,
    name: &'static str,
    max_width: u32,
) -> Result<RenditionBytes, Invalid> {
    let (width, height) = fit(image.width(), image.height(), max_width);
    let resized = if width == image.width() {
        image.clone()
    } else {
        image::imageops::resize(image, width, height, FilterType::Triangle)
    };
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&resized)
        .map_err(|_| refused("media.error.image_unreadable"))?;
    Ok(RenditionBytes {
        name,
        width,
        height,
        jpeg,
    })
}

/// The size of a rendition at most `max_width` wide, keeping the aspect
/// ratio and never larger than the original.
pub fn fit(width: u32, height: u32, max_width: u32) -> (u32, u32) {
    if width <= max_width || width == 0 {
        return (width.max(1), height.max(1));
    }
    let scaled = u64::from(height) * u64::from(max_width) / u64::from(width);
    (max_width, u32::try_from(scaled).unwrap_or(u32::MAX).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        image
            .write_to(&mut out, image::ImageFormat::Png)
            .expect("encode");
        out.into_inner()
    }

    #[test]
    fn renditions_never_upscale() {
        assert_eq!(fit(2000, 1000, 640), (640, 320));
        assert_eq!(fit(300, 200, 640), (300, 200));
        let processed = process(&png(800, 400), "image/png").expect("process");
        let sizes: Vec<_> = processed
            .renditions
            .iter()
            .map(|r| (r.name, r.width, r.height))
            .collect();
        assert_eq!(
            sizes,
            [("thumb", 240, 120), ("list", 640, 320), ("full", 800, 400)]
        );
    }

    #[test]
    fn garbage_is_refused() {
        let err = process(b"\x89PNG\r\n\x1a\nnot really", "image/png").unwrap_err();
        assert_eq!(err.code_for("file"), Some("media.error.image_unreadable"));
    }
}
