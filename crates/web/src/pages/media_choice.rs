//! Choosing media in office forms: a select of the library's newest items
//! of a kind, with those already chosen first.

use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::media::{MediaId, MediaKind};
use dangjian_app::media::MediaItem;

use crate::error::WebResult;
use crate::i18n::Locale;
use crate::state::AppState;

/// An option of a media select or a media checkbox.
pub struct MediaChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The library's newest media of a kind, plus those the form names
/// (first, in the form's order), as choices.
pub async fn media_choices(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    kind: MediaKind,
    chosen: &[String],
) -> WebResult<Vec<MediaChoice>> {
    let recent = state
        .app
        .media_list(&session.actor, Some(kind), 1)
        .await?
        .items;
    let label = |item: &MediaItem| {
        let mut label = format!("{}（#{}）", item.media.original_name, item.media.id);
        if item.missing_alt() {
            label.push_str(&locale.t("article.form.no_alt"));
        }
        label
    };
    let mut out: Vec<MediaChoice> = Vec::new();
    for id in chosen {
        let item = match id.parse::<i64>() {
            Ok(n) => state.app.media_item(&session.actor, MediaId(n)).await.ok(),
            Err(_) => None,
        };
        let shown = item.as_ref().map_or_else(|| format!("#{id}"), label);
        out.push(MediaChoice {
            value: id.clone(),
            label: shown,
            selected: true,
        });
    }
    for item in &recent {
        let value = item.media.id.to_string();
        if !out.iter().any(|c| c.value == value) {
            out.push(MediaChoice {
                label: label(item),
                value,
                selected: false,
            });
        }
    }
    Ok(out)
}
