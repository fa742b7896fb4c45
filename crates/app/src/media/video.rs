//! Video: duration and a poster frame from ffprobe/ffmpeg when they are
//! installed, run with fixed arguments on a temporary copy of the upload
//! (never on a URL); otherwise no duration and a generic poster.

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use image::{ImageFormat, Rgb, RgbImage};

/// What could be learnt about a video.
#[derive(Debug, Clone, Default)]
pub struct VideoFacts {
    pub duration_ms: Option<i64>,
    /// A JPEG frame, when ffmpeg made one.
    pub poster_jpeg: Option<Vec<u8>>,
}

/// Probes the video in `bytes` (blocking: run it off the async threads).
pub fn probe(bytes: &[u8], ext: &str) -> VideoFacts {
    let Ok(dir) = tempfile::tempdir() else {
        return VideoFacts::default();
    };
    let input = dir.path().join(format!("input.{ext}"));
    if std::fs::write(&input, bytes).is_err() {
        return VideoFacts::default();
    }
    VideoFacts {
        duration_ms: duration_ms(&input),
        poster_jpeg: poster_frame(&input, &dir.path().join("poster.jpg")),
    }
}

fn duration_ms(input: &Path) -> Option<i64> {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "default=noprint_wrappers=1:nokey=1",
        ])
        .arg(input)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let seconds: f64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * 1000.0).round() as i64)
}

fn poster_frame(input: &Path, output: &Path) -> Option<Vec<u8>> {
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-ss", "1", "-i"])
        .arg(input)
        .args([
            "-frames:v",
            "1",
            "-vf",
            "scale='min(1280,iw)':-2",
            "-f",
            "image2",
        ])
        .arg(output)
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    std::fs::read(output).ok().filter(|b| !b.is_empty())
}

/// A generic poster: a dark 16:9 frame with a light play triangle, as JPEG
/// (like the frames ffmpeg makes).
pub fn generic_poster() -> Vec<u8> {
    let (width, height) = (640u32, 360u32);
    let (cx, cy) = (width as i64 / 2, height as i64 / 2);
    let image = RgbImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (x as i64 - cx + 20, (y as i64 - cy).abs());
        // A triangle pointing right: 0 <= dx <= 70 and |dy| <= (70 - dx) * 0.6.
        let inside = (0..=70).contains(&dx) && dy * 10 <= (70 - dx) * 6;
        if inside {
            Rgb([236, 236, 236])
        } else {
            Rgb([48, 52, 60])
        }
    });
    let mut out = Cursor::new(Vec::new());
    match image.write_to(&mut out, ImageFormat::Jpeg) {
        Ok(()) => out.into_inner(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_poster_is_a_jpeg() {
        let jpeg = generic_poster();
        assert!(jpeg.starts_with(&[0xFF, 0xD8]));
        assert_eq!(
            generic_poster(),
            jpeg,
            "the same bytes every time (stored once)"
        );
    }
}
