use std::sync::Arc;

use dangjian_app::App;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::WebOptions;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub options: Arc<WebOptions>,
    pub metrics: PrometheusHandle,
}
