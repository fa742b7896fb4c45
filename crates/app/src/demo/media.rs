//! The demo's media, made by the program: red-and-gold banner images (with
//! alt text), a PDF and a text attachment, and one short playable video.
//!
//! `assets/demo.webm` is a 4-second 320×180 VP8 WebM (about 4 KB), made once
//! with:
//! `ffmpeg -f lavfi -i color=c=0xB71C1C:s=320x180:d=4:r=12 -f lavfi -i
//! color=c=0xFFC107:s=48x48:d=4:r=12 -filter_complex
//! "[0][1]overlay=x='mod(t*70\,272)':y=66,format=yuv420p" -c:v libvpx -b:v 40k
//! -auto-alt-ref 0 -an demo.webm`.
//! Everything goes through the same checks as an upload (`upload::prepare`:
//! type sniffing, size limits, renditions, video probing).

use std::io::Cursor;

use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::media::MediaId;
use dangjian_store::Conn;
use dangjian_store::media::{self as stored, NewMedia, Rendition};
use image::{ImageFormat, Rgb, RgbImage};

use crate::media::object_url;
use crate::media::upload::{self, Prepared};
use crate::{App, AppError, Result};

const VIDEO: &[u8] = include_bytes!("assets/demo.webm");

/// Banners: file name, alt text, base colour and where the star sits.
const BANNERS: [(&str, &str, [u8; 3], f32); 4] = [
    (
        "banner-dangjian.png",
        "红色党建主题横幅：金色五角星与光芒",
        [198, 40, 40],
        0.18,
    ),
    (
        "banner-xuexi.png",
        "党史学习教育宣传图：深红底色上的金色星徽",
        [170, 20, 30],
        0.5,
    ),
    (
        "banner-jiceng.png",
        "基层党组织建设宣传图：红色渐变与金色饰带",
        [211, 47, 47],
        0.82,
    ),
    (
        "banner-xuanba.png",
        "公开选拔专题横幅：红金配色的星形标识",
        [183, 28, 28],
        0.3,
    ),
];

/// What the demo articles refer to.
#[derive(Debug, Clone)]
pub struct DemoMedia {
    /// Image ids with their URL and alt text.
    pub images: Vec<(MediaId, String, String)>,
    pub attachments: Vec<MediaId>,
    pub video: MediaId,
}

impl DemoMedia {
    pub fn count(&self) -> usize {
        self.images.len() + self.attachments.len() + 1
    }
}

/// A 960×400 banner: a red vertical gradient, gold bands at the foot and a
/// gold five-pointed star at `star_x` (fraction of the width).
pub fn banner_png(base: [u8; 3], star_x: f32) -> Vec<u8> {
    let (width, height) = (960u32, 400u32);
    let (cx, cy, outer) = (width as f32 * star_x, 170.0f32, 110.0f32);
    let image = RgbImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (radius, angle) = ((dx * dx + dy * dy).sqrt(), dy.atan2(dx));
        // Radius of the star's outline in this direction: 1 at a point,
        // about 0.38 between two points.
        let turn = (angle + std::f32::consts::FRAC_PI_2) * 5.0 / std::f32::consts::TAU;
        let edge = (turn - turn.round()).abs() * 2.0;
        if radius <= outer * (1.0 - 0.62 * edge) {
            return Rgb([255, 202, 40]);
        }
        if (330..342).contains(&y) || (350..356).contains(&y) {
            return Rgb([240, 180, 30]);
        }
        let shade = 1.0 - 0.35 * (y as f32 / height as f32);
        let glow = (1.0 - radius / 600.0).max(0.0) * 40.0;
        Rgb(base.map(|c| (c as f32 * shade + glow).min(255.0) as u8))
    });
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .expect("PNG encoding into memory");
    out.into_inner()
}

/// A minimal valid one-page PDF saying `text` (ASCII), with a correct
/// cross-reference table.
pub fn small_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

const FORM_TEXT: &str = "党员信息采集表（示例）\n\n姓名：\n性别：\n出生年月：\n\
    入党时间：\n所在党支部：\n联系电话：\n\n填表说明：本表为演示站点自动生成的示例资料。\n";

fn prepare(
    name: &str,
    bytes: Vec<u8>,
    policy: &dangjian_domain::media::MediaPolicy,
) -> Result<Prepared> {
    Ok(upload::prepare(name, bytes, policy)?)
}

impl App {
    /// Makes and stores the demo media, recording the uploads in `conn`
    /// (the demo's transaction).
    pub(super) async fn lay_demo_media(
        &self,
        conn: &mut Conn,
        site: SiteId,
        by: UserId,
    ) -> Result<DemoMedia> {
        let policy = self.media_policy_in(conn).await?;
        let prepared =
            tokio::task::spawn_blocking(move || -> Result<Vec<(Prepared, &'static str)>> {
                let mut all = Vec::new();
                for (name, alt, base, star) in BANNERS {
                    all.push((prepare(name, banner_png(base, star), &policy)?, alt));
                }
                let pdf = small_pdf("Dangjian demo: party member registration form");
                all.push((prepare("党员信息采集表.pdf", pdf, &policy)?, ""));
                all.push((
                    prepare("填表说明.txt", FORM_TEXT.as_bytes().to_vec(), &policy)?,
                    "",
                ));
                all.push((prepare("微党课.webm", VIDEO.to_vec(), &policy)?, ""));
                Ok(all)
            })
            .await
            .map_err(AppError::internal)??;
        let store = self.objects()?;
        let now = self.now_ms();
        let (mut images, mut attachments, mut video) = (Vec::new(), Vec::new(), None);
        for (item, alt) in &prepared {
            for object in item.objects() {
                store.put(&object.hash, object.bytes.clone()).await?;
                stored::put_blob(conn, &object.hash, object.size(), object.mime, now).await?;
            }
            let id = record(conn, site, item, by, now).await?;
            match item.kind {
                dangjian_domain::media::MediaKind::Image => {
                    stored::update_alt_text(conn, id, alt).await?;
                    let url = object_url(&item.original.hash, item.original.mime);
                    images.push((id, url, (*alt).to_owned()));
                }
                dangjian_domain::media::MediaKind::Attachment => attachments.push(id),
                dangjian_domain::media::MediaKind::Video => video = Some(id),
            }
        }
        let video = video.ok_or_else(|| AppError::internal("the demo video was not stored"))?;
        Ok(DemoMedia {
            images,
            attachments,
            video,
        })
    }

    async fn media_policy_in(
        &self,
        conn: &mut Conn,
    ) -> Result<dangjian_domain::media::MediaPolicy> {
        let values = dangjian_store::settings::all(conn, dangjian_store::settings::GLOBAL).await?;
        Ok(dangjian_domain::media::MediaPolicy::from_settings(&values))
    }
}

async fn record(
    conn: &mut Conn,
    site: SiteId,
    item: &Prepared,
    by: UserId,
    now: i64,
) -> Result<MediaId> {
    let new = NewMedia {
        site_id: site,
        kind: item.kind.code(),
        hash: &item.original.hash,
        original_name: &item.original_name,
        mime: item.original.mime,
        size: item.original.size(),
        width: item.width.map(i64::from),
        height: item.height.map(i64::from),
        duration_ms: item.duration_ms,
        poster_hash: item.poster.as_ref().map(|p| p.hash.as_str()),
        uploaded_by: Some(by),
    };
    let id = stored::insert(conn, &new, now).await?;
    for r in &item.renditions {
        let rendition = Rendition {
            name: r.name.to_owned(),
            hash: r.object.hash.clone(),
            width: i64::from(r.width),
            height: i64::from(r.height),
        };
        stored::insert_rendition(conn, id, &rendition).await?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_media_pass_the_upload_checks() {
        let policy = dangjian_domain::media::MediaPolicy::from_settings(&Default::default());
        let image = prepare("b.png", banner_png([198, 40, 40], 0.2), &policy).unwrap();
        assert_eq!(image.original.mime, "image/png");
        assert!(!image.renditions.is_empty());
        let pdf = prepare("a.pdf", small_pdf("x"), &policy).unwrap();
        assert_eq!(pdf.original.mime, "application/pdf");
        let video = prepare("v.webm", VIDEO.to_vec(), &policy).unwrap();
        assert_eq!(video.original.mime, "video/webm");
        assert_eq!(banner_png([1, 2, 3], 0.5), banner_png([1, 2, 3], 0.5));
    }
}
