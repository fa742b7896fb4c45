//! Media: uploads are typed from their bytes and checked, images get
//! renditions and lose their EXIF, identical bytes are stored once, and
//! both listeners serve media with ranges and caching (the public one
//! without the upload routes).

use std::collections::BTreeMap;
use std::io::Cursor;

use dangjian_testkit::{Browser, TestApp, api_csrf};
use reqwest::Method;
use serde_json::{Value, json};

/// A GET returning the raw bytes (media bodies are binary).
async fn fetch(
    b: &Browser,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = b.request(Method::GET, path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("HTTP request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn png(width: u32, height: u32, noise: bool) -> Vec<u8> {
    let mut seed: u32 = 12345;
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        if noise {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let [a, b, c, _] = seed.to_le_bytes();
            image::Rgb([a, b, c])
        } else {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 200])
        }
    });
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

/// A JPEG with an EXIF segment (APP1) right after its start marker.
fn jpeg_with_exif() -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([x as u8 * 3, 90, 40]));
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode JPEG");
    let plain = out.into_inner();
    let mut payload = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    payload.extend_from_slice(b"GPS-secret-location");
    let length = u16::try_from(payload.len() + 2).expect("short segment");
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&length.to_be_bytes());
    jpeg.extend_from_slice(&payload);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len())
        .expect("len")
        .to_be_bytes()
        .to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG declaring 20,000 × 20,000 pixels (1.2 GB once decoded).
fn bomb_png() -> Vec<u8> {
    let mut ihdr = 20_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// An editor (site_editor, granted by the security administrator), logged
/// in, with the API's CSRF token; and the system administrator's actor.
struct Setup {
    t: TestApp,
    editor: Browser,
    csrf: String,
    sysadmin: dangjian_app::actor::Actor,
}

async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor = t
        .person_with_role(&sys, &sec, "bianji", "编辑", "site_editor")
        .await
        .browser;
    let csrf = api_csrf(&editor).await;
    let sysadmin = t.actor("sysadmin", &sys.password, &sys.secret).await;
    Setup {
        t,
        editor,
        csrf,
        sysadmin,
    }
}

async fn blob_count(t: &TestApp) -> i64 {
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::media::blob_count(&mut conn)
        .await
        .expect("count blobs")
}

fn refused_with(reply: &dangjian_testkit::Reply, code: &str) -> Value {
    reply.assert_status(422);
    let problem = reply.json();
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes, [code], "{problem}");
    problem
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_are_checked_stripped_stored_once_and_served() {
    let s = setup().await;
    let (t, b) = (&s.t, &s.editor);
    let picture = png(800, 400, false);
    let reply = b
        .post_file("/api/v1/media", "党旗.png", &picture, Some(&s.csrf))
        .await;
    reply.assert_status(201);
    let first = reply.json();
    assert_eq!(first["kind"], "image", "{first}");
    assert_eq!(first["width"], 800);
    assert_eq!(first["missing_alt"], true);
    let renditions = first["renditions"].as_array().expect("renditions");
    let sizes: Vec<(String, i64)> = renditions
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_owned(),
                r["width"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("thumb".to_owned(), 240),
            ("list".to_owned(), 640),
            ("full".to_owned(), 800)
        ]
    );
    let public = t.public();
    for r in renditions {
        let url = r["url"].as_str().expect("rendition url");
        let (status, headers, body) = fetch(&public, url, &[]).await;
        assert_eq!(status, 200, "{url}");
        assert_eq!(header(&headers, "content-type"), "image/jpeg");
        let decoded = image::load_from_memory(&body).expect("a JPEG rendition");
        assert_eq!(
            i64::from(decoded.width()),
            r["width"].as_i64().unwrap_or_default()
        );
    }
    let url = first["url"].as_str().expect("url");
    let (status, _, body) = fetch(&public, url, &[]).await;
    assert_eq!((status, body), (200, picture.clone()));

    // The same bytes again: a new media row, no new blob.
    let blobs = blob_count(t).await;
    let again = b
        .post_file("/api/v1/media", "copy.png", &picture, Some(&s.csrf))
        .await;
    again.assert_status(201);
    let again = again.json();
    assert_ne!(again["id"], first["id"]);
    assert_eq!(again["sha256"], first["sha256"]);
    assert_eq!(blob_count(t).await, blobs);

    // Alt text, and the flag the articles check.
    let id = first["id"].as_i64().expect("id");
    let media_id = dangjian_app::domain::media::MediaId(id);
    assert_eq!(
        t.app.media_missing_alt(&[media_id]).await.expect("check"),
        [media_id]
    );
    let body = json!({"alt_text": "党旗图片"});
    let updated = b
        .send_json(
            Method::PUT,
            &format!("/api/v1/media/{id}"),
            Some(&body),
            Some(&s.csrf),
        )
        .await;
    updated.assert_status(200);
    assert_eq!(updated.json()["missing_alt"], false);
    assert!(
        t.app
            .media_missing_alt(&[media_id])
            .await
            .expect("check")
            .is_empty()
    );

    // EXIF is removed from the stored original.
    let exif = jpeg_with_exif();
    assert!(exif.windows(6).any(|w| w == b"Exif\0\0"));
    let stored = b
        .post_file("/api/v1/media", "photo.jpg", &exif, Some(&s.csrf))
        .await;
    stored.assert_status(201);
    let (_, _, body) = fetch(&public, stored.json()["url"].as_str().expect("url"), &[]).await;
    assert!(body.starts_with(&[0xFF, 0xD8]));
    assert!(
        !body.windows(6).any(|w| w == b"Exif\0\0"),
        "EXIF still there"
    );
    assert!(!body.windows(10).any(|w| w == b"GPS-secret"));
    image::load_from_memory(&body).expect("still a JPEG");

    // A script named .jpg, a decompression bomb, an image over the limit.
    let script = b
        .post_file(
            "/api/v1/media",
            "photo.jpg",
            b"<script>alert(1)</script>",
            Some(&s.csrf),
        )
        .await;
    let problem = refused_with(&script, "media.error.script");
    assert!(problem.to_string().contains("脚本"), "{problem}");
    let bomb = b
        .post_file("/api/v1/media", "bomb.png", &bomb_png(), Some(&s.csrf))
        .await;
    refused_with(&bomb, "media.error.image_too_big");
    let mut limits = BTreeMap::new();
    limits.insert("media.max_image_mb".to_owned(), "1".to_owned());
    t.app
        .update_settings(&s.sysadmin, &limits)
        .await
        .expect("lower the image limit");
    let big = png(800, 800, true);
    assert!(big.len() > 1024 * 1024);
    let oversized = b
        .post_file("/api/v1/media", "big.png", &big, Some(&s.csrf))
        .await;
    refused_with(&oversized, "media.error.too_large_image");

    let listed = b.get("/api/v1/media?kind=image").await;
    listed.assert_status(200);
    assert_eq!(listed.json()["total"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_is_served_with_ranges_caching_and_names() {
    let s = setup().await;
    let (t, b) = (&s.t, &s.editor);
    let text: String = (0..100).map(|i| format!("第{i:03}行\n")).collect();
    let bytes = text.as_bytes();
    let size = bytes.len();
    let reply = b
        .post_file("/api/v1/media", "报名表 2024.txt", bytes, Some(&s.csrf))
        .await;
    reply.assert_status(201);
    let item = reply.json();
    assert_eq!(item["kind"], "attachment", "{item}");
    let url = item["url"].as_str().expect("url").to_owned();
    let hash = item["sha256"].as_str().expect("hash").to_owned();
    let public = t.public();

    let (status, headers, body) = fetch(&public, &url, &[]).await;
    assert_eq!((status, body.as_slice()), (200, bytes));
    assert_eq!(header(&headers, "etag"), format!("\"{hash}\""));
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&headers, "accept-ranges"), "bytes");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert!(header(&headers, "content-type").starts_with("text/plain"));
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename*=UTF-8''%E6%8A%A5%E5%90%8D%E8%A1%A8%202024.txt"
    );

    let ranges = [
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        ("bytes=-100", size - 100, size - 1),
    ];
    for (asked, start, end) in ranges {
        let (status, headers, body) = fetch(&public, &url, &[("range", asked)]).await;
        assert_eq!(status, 206, "{asked}");
        assert_eq!(body, &bytes[start..=end], "{asked}");
        assert_eq!(
            header(&headers, "content-range"),
            format!("bytes {start}-{end}/{size}")
        );
    }
    let past = format!("bytes={size}-");
    let (status, headers, _) = fetch(&public, &url, &[("range", &past)]).await;
    assert_eq!(status, 416);
    assert_eq!(header(&headers, "content-range"), format!("bytes */{size}"));

    let tag = format!("\"{hash}\"");
    let (status, _, body) = fetch(&public, &url, &[("if-none-match", &tag)]).await;
    assert_eq!((status, body.len()), (304, 0));

    // A video gets a poster (a frame from ffmpeg, or a generic one).
    let mut mp4 = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    mp4.extend_from_slice(&[0; 2000]);
    let video = b
        .post_file("/api/v1/media", "讲座.mp4", &mp4, Some(&s.csrf))
        .await;
    video.assert_status(201);
    let video = video.json();
    assert_eq!(
        (video["kind"].as_str(), video["mime"].as_str()),
        (Some("video"), Some("video/mp4"))
    );
    let poster = video["poster_url"].as_str().expect("poster url");
    let (status, headers, body) = fetch(&public, poster, &[]).await;
    assert_eq!(
        (status, header(&headers, "content-type")),
        (200, "image/jpeg")
    );
    image::load_from_memory(&body).expect("a poster image");
    let (status, headers, _) = fetch(
        &public,
        video["url"].as_str().expect("url"),
        &[("range", "bytes=0-15")],
    )
    .await;
    assert_eq!(
        (status, header(&headers, "content-type")),
        (206, "video/mp4")
    );

    // Only media blobs, only their own extension, only hash-shaped names.
    assert_eq!(
        fetch(&public, &format!("/media/{hash}.jpg"), &[]).await.0,
        404
    );
    assert_eq!(
        fetch(&public, &format!("/media/{}.txt", "0".repeat(64)), &[])
            .await
            .0,
        404
    );
    assert_eq!(
        fetch(&public, "/media/..%2F..%2Fetc%2Fpasswd.txt", &[])
            .await
            .0,
        404
    );
    // The office serves media too; the public listener has no upload routes.
    assert_eq!(fetch(b, &url, &[]).await.0, 200);
    let upload = public
        .post_file("/api/v1/media", "a.txt", b"hello", Some(&s.csrf))
        .await;
    upload.assert_status(404);
    assert_eq!(fetch(&public, "/media", &[]).await.0, 404);
    assert_eq!(fetch(&public, "/api/v1/media", &[]).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_page_uploads_with_the_token_in_the_action() {
    let s = setup().await;
    let b = &s.editor;
    let empty = b.get("/media").await;
    empty.assert_status(200).assert_contains("media-empty");
    let token = b.csrf().expect("page token");
    assert!(empty.contains(&format!("action=\"/media?_csrf={token}\"")));

    // Without a token, or with a wrong one, a multipart POST is refused.
    let picture = png(300, 200, false);
    b.post_file("/media", "a.png", &picture, None)
        .await
        .assert_status(403);
    b.post_file("/media?_csrf=wrong", "a.png", &picture, None)
        .await
        .assert_status(403);
    b.post_file("/api/v1/media", "a.png", &picture, Some("wrong"))
        .await
        .assert_status(403);
    b.post_file("/api/v1/media", "a.png", &picture, None)
        .await
        .assert_status(403);

    let done = b
        .post_file(&format!("/media?_csrf={token}"), "a.png", &picture, None)
        .await;
    done.assert_redirect("/media/items/");
    let item = done.location().expect("location").to_owned();
    b.get(&item)
        .await
        .assert_status(200)
        .assert_contains("alt-missing")
        .assert_contains("thumb");
    b.post_form(
        item.split('?').next().unwrap_or_default(),
        &[("alt_text", "会场照片")],
    )
    .await
    .assert_redirect("/media/items/");
    b.get("/media?kind=image")
        .await
        .assert_status(200)
        .assert_contains("会场照片")
        .assert_contains("media-list");

    let script = b
        .post_file(
            &format!("/media?_csrf={token}"),
            "x.jpg",
            b"<script>alert(1)</script>",
            None,
        )
        .await;
    script.assert_status(422).assert_contains("脚本");
}
