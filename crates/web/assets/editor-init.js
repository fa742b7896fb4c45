// Turns every <textarea data-editor> into the rich-text editor (the vendored
// wangEditor-next bundle, global `wangEditor`). The page has no inline script
// (the Content-Security-Policy forbids it); it loads, in this order:
//
//   <meta name="csrf-token" content="…">
//   <link rel="stylesheet" href="(hashed vendor editor.css)">
//   <script src="(hashed vendor editor.js)" defer></script>
//   <script src="(hashed editor-init.js)" defer></script>
//   <textarea name="body" data-editor data-placeholder="请输入正文">…</textarea>
//
// The textarea stays in the form, hidden, and always holds the editor's HTML,
// so the form submits normally (and still works, as a plain textarea, when
// scripts do not run). Images and videos are uploaded to /api/v1/media.
// The Word/WPS clean-up here is comfort only: the server sanitises every body.
(function () {
  'use strict';

  var MEDIA_ENDPOINT = '/api/v1/media';
  var MEDIA_PREFIX = '/media/';

  var TOOLBAR_KEYS = [
    'header2', 'header3', 'header4', 'blockquote', '|',
    'bold', 'underline', 'italic', 'through', 'sup', 'sub', 'clearStyle', '|',
    'bulletedList', 'numberedList', '|',
    'justifyLeft', 'justifyCenter', 'justifyRight', 'justifyJustify', 'indent', 'delIndent', '|',
    'insertLink', 'uploadImage', 'uploadVideo', 'insertTable', 'divider', '|',
    'undo', 'redo', 'fullScreen'
  ];

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  // POSTs one file as multipart field `file`; resolves to the media JSON
// ({id, url, and for videos poster_url}).
  function upload(file) {
    var form = new FormData();
    form.append('file', file, file.name || 'pasted');
    return fetch(MEDIA_ENDPOINT, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrfToken(), 'Accept': 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('upload failed: HTTP ' + response.status);
      }
      return response.json();
    }).then(function (media) {
      if (!media || typeof media.url !== 'string' || media.url.indexOf(MEDIA_PREFIX) !== 0) {
        throw new Error('upload failed: unexpected answer');
      }
      return media;
    });
  }

  // data: URL → File, without fetch() (connect-src does not allow data:).
  function dataUrlToFile(url, index) {
    var match = /^data:(image\/(png|jpeg|gif|webp|bmp));base64,(.*)$/i.exec(url);
    if (!match) {
      return null;
    }
    var binary = atob(match[3].replace(/\s+/g, ''));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    var ext = match[2].toLowerCase() === 'jpeg' ? 'jpg' : match[2].toLowerCase();
    return new File([bytes], 'pasted-' + index + '.' + ext, { type: match[1].toLowerCase() });
  }

  var WORD_JUNK = /<!--[\s\S]*?-->|<!\[if[^\]]*\]>|<!\[endif\]>|<\/?o:p[^>]*>|<\/?(?:w|m|v):[^>]*>|<xml[\s\S]*?<\/xml>|<style[\s\S]*?<\/style>/gi;

  // Keeps only text-align and text-indent of a style attribute.
  function keepLayoutStyle(el) {
    var align = el.style.textAlign;
    var indent = el.style.textIndent;
    el.removeAttribute('style');
    if (align) { el.style.textAlign = align; }
    if (indent && indent.charAt(0) !== '-') { el.style.textIndent = indent; }
  }

  // Cleans pasted Word/WPS/web HTML. Returns {html, files, dropped}: images
  // carried as data: URLs are turned into files to upload (their <img> gets
  // a data-upload index); images from elsewhere (file:///, other sites) are
  // removed and counted.
  function cleanPaste(html) {
    var doc = new DOMParser().parseFromString(html.replace(WORD_JUNK, ''), 'text/html');
    var body = doc.body;
    var files = [];
    var dropped = 0;
    Array.prototype.forEach.call(
      body.querySelectorAll('script,style,iframe,object,embed,svg,math,meta,link,form,input,button,select,textarea'),
      function (el) { el.remove(); });
    Array.prototype.forEach.call(body.querySelectorAll('font'), function (el) {
      while (el.firstChild) { el.parentNode.insertBefore(el.firstChild, el); }
      el.remove();
    });
    Array.prototype.forEach.call(body.querySelectorAll('*'), function (el) {
      Array.prototype.slice.call(el.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        if (name.indexOf('on') === 0 || name === 'class' || name === 'id' || name === 'lang') {
          el.removeAttribute(attr.name);
        }
      });
      if (el.hasAttribute('style')) { keepLayoutStyle(el); }
    });
    Array.prototype.forEach.call(body.querySelectorAll('img'), function (img) {
      var src = img.getAttribute('src') || '';
      if (src.indexOf(MEDIA_PREFIX) === 0) { return; }
      var file = src.indexOf('data:') === 0 ? dataUrlToFile(src, files.length) : null;
      if (file) {
        img.setAttribute('data-upload', String(files.length));
        img.removeAttribute('src');
        files.push(file);
      } else {
        img.remove();
        dropped += 1;
      }
    });
    return { body: body, files: files, dropped: dropped };
  }

  function pasteHtml(editor, html, say) {
    var cleaned = cleanPaste(html);
    var uploads = cleaned.files.map(function (file, index) {
      return upload(file).then(function (media) {
        var img = cleaned.body.querySelector('img[data-upload="' + index + '"]');
        if (img) {
          img.setAttribute('src', media.url);
          img.removeAttribute('data-upload');
        }
      }, function () {
        var img = cleaned.body.querySelector('img[data-upload="' + index + '"]');
        if (img) { img.remove(); }
        cleaned.dropped += 1;
      });
    });
    Promise.all(uploads).then(function () {
      editor.dangerouslyInsertHtml(cleaned.body.innerHTML);
      if (cleaned.dropped > 0) {
        say(cleaned.dropped);
      }
    });
  }

  function init(textarea) {
    var wang = window.wangEditor;
    if (!wang || textarea.getAttribute('data-editor-ready')) {
      return;
    }
    textarea.setAttribute('data-editor-ready', '1');
    var toolbarBox = document.createElement('div');
    toolbarBox.className = 'editor-toolbar';
    var editorBox = document.createElement('div');
    editorBox.className = 'editor-area';
    textarea.parentNode.insertBefore(toolbarBox, textarea);
    textarea.parentNode.insertBefore(editorBox, textarea);
    textarea.hidden = true;

    var droppedMessage = textarea.getAttribute('data-dropped-images') ||
      '有 {n} 张图片无法粘贴（来自本机文件或外部网站），请用“上传图片”按钮插入。';
    var say = function (n) { window.alert(droppedMessage.replace('{n}', String(n))); };
    var insertUploaded = function (file, insert, failed) {
      upload(file).then(function (media) {
        insert(media);
      }, function (error) {
        window.alert(failed + '\n' + error.message);
      });
    };

    var editor = wang.createEditor({
      selector: editorBox,
      html: textarea.value,
      mode: 'default',
      config: {
        placeholder: textarea.getAttribute('data-placeholder') || '',
        // Alignment and indent as classes, not style attributes: the public
        // pages keep `style-src 'self'`.
        textStyleMode: 'class',
        classStylePolicy: 'preserve-data',
        onChange: function (ed) {
          textarea.value = ed.isEmpty() ? '' : ed.getHtml();
        },
        customPaste: function (ed, event) {
          var data = event.clipboardData;
          var html = data ? data.getData('text/html') : '';
          if (!html) {
            return true; // plain text or files: the editor's own handling
          }
          event.preventDefault();
          pasteHtml(ed, html, say);
          return false;
        },
        MENU_CONF: {
          uploadImage: {
            allowedFileTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
            customUpload: function (file, insert) {
              // The alt text is asked for in the editor's image edit menu;
              // publishing is refused while an image has none.
              insertUploaded(file, function (media) { insert(media.url, '', ''); }, '图片上传失败');
            }
          },
          uploadVideo: {
            allowedFileTypes: ['video/mp4', 'video/webm'],
            customUpload: function (file, insert) {
              insertUploaded(file, function (media) {
                var poster = media.poster_url || '';
                insert(media.url, poster.indexOf(MEDIA_PREFIX) === 0 ? poster : '');
              }, '视频上传失败');
            }
          },
          insertLink: {
            checkLink: function (text, url) {
              return /^(https?:|mailto:|\/|#)/i.test(url) ? true : '只能链接到 http、https、mailto 或站内地址';
            }
          }
        }
      }
    });
    wang.createToolbar({
      editor: editor,
      selector: toolbarBox,
      mode: 'default',
      config: { toolbarKeys: TOOLBAR_KEYS }
    });
    // Keep the textarea current even if the form is sent before onChange.
    if (textarea.form) {
      textarea.form.addEventListener('submit', function () {
        textarea.value = editor.isEmpty() ? '' : editor.getHtml();
      });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('textarea[data-editor]'), init);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
