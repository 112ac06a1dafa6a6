//! Share and export: copy the link, download the results (JSON, CSV, Chrome trace, the charts as
//! SVG), and load a results file back (file picker or drag and drop) to re-render its views.

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlInputElement, Url};
use yew::prelude::*;

use crate::present::export;
use crate::report::Results;

/// `json` indented by the browser's `JSON.stringify` (the numbers are doubles either way, and
/// every integer in the results is below 2^53, so nothing changes but the layout).
fn indented(json: &str) -> String {
    js_sys::JSON::parse(json)
        .ok()
        .and_then(|value| {
            js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &2.into()).ok()
        })
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| json.to_string())
}

/// Props of [`Share`].
#[derive(Debug, Properties, PartialEq)]
pub struct ShareProps {
    /// The run to export, if there is one.
    pub results: Option<super::state::Shared<Results>>,
    /// A results file was loaded.
    pub on_import: Callback<Results>,
}

/// Saves `text` as a file named `name`.
fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let failed = |what: &str| format!("Could not save {name}: the browser refused to {what}.");
    let parts = js_sys::Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| failed("make the file"))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| failed("make a link to it"))?;
    let saved = save_link(&url, name).ok_or_else(|| failed("make a link to it"));
    // Revoking only frees the blob's URL; the download has already taken the file.
    let _ = Url::revoke_object_url(&url);
    saved
}

/// Saves what `url` holds as a file named `name`, by clicking a download link to it; `None`
/// when the browser would not make the link.
fn save_link(url: &str, name: &str) -> Option<()> {
    let link: HtmlAnchorElement = web_sys::window()?
        .document()?
        .create_element("a")
        .ok()?
        .dyn_into()
        .ok()?;
    link.set_href(url);
    link.set_download(name);
    link.click();
    Some(())
}

/// The stylesheet an exported chart carries, so it looks the same outside the page.
const SVG_STYLE: &str = "text{font:11px system-ui,sans-serif;fill:#1c1e21}.muted{fill:#5f6570}\
.grid{stroke:#d7dae0}.axis{stroke:#5f6570}.lane-bg{fill:#d7dae0;opacity:.25}.whisker{stroke:#1c1e21}\
.ideal{stroke:#5f6570;stroke-dasharray:4 3;fill:none}.series{fill:none;stroke-width:2}\
.fit{fill:none;stroke-dasharray:2 2}.marker{stroke:#b42318}\
.state-run{fill:#0072b2}.state-ready{fill:#bbbbbb}.state-wait-io{fill:#56b4e9}.state-wait-gil{fill:#d55e00}\
.state-blocked{fill:#cc79a7}.state-startup{fill:#7a7a7a}.state-serialize{fill:#f0e442}\
.state-transfer{fill:#009e73}.state-deserialize{fill:#e69f00}\
.model-blocking{--series:#000}.model-async{--series:#56b4e9}.model-pool_gil{--series:#d55e00}\
.model-pool{--series:#0072b2}.model-processes{--series:#009e73}\
rect.bar[class*=model-]{fill:var(--series)}g[class*=model-] .series,g[class*=model-] .fit{stroke:var(--series)}\
g[class*=model-] circle{fill:var(--series)}";

/// The chart inside the view `testid` as standalone SVG text (with its stylesheet), and its
/// size in px.
fn standalone_svg(testid: &str) -> Option<(String, f64, f64)> {
    let document = web_sys::window()?.document()?;
    let svg = document
        .query_selector(&format!("[data-testid=\"{testid}\"] svg"))
        .ok()??;
    let copy: web_sys::Element = svg.clone_node_with_deep(true).ok()?.unchecked_into();
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg")
        .ok()?;
    // The viewBox is the layout's size: the image is drawn at it, whatever the page's width.
    let view_box = copy.get_attribute("viewBox").unwrap_or_default();
    let size: Vec<f64> = view_box
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let (width, height) = match size[..] {
        [_, _, w, h] => (w, h),
        _ => (960.0, 400.0),
    };
    copy.set_attribute("width", &width.to_string()).ok()?;
    copy.set_attribute("height", &height.to_string()).ok()?;
    let style = document
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "style")
        .ok()?;
    style.set_text_content(Some(SVG_STYLE));
    copy.prepend_with_node_1(&style).ok()?;
    let text = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&copy)
        .ok()?;
    Some((text, width, height))
}

/// Downloads the chart inside the view `testid` as a standalone SVG file, or says why not.
pub fn download_svg(testid: &str) -> Result<(), String> {
    let (text, _, _) = standalone_svg(testid).ok_or_else(|| no_chart(testid))?;
    download(
        &format!("concurrency-playground-{testid}.svg"),
        "image/svg+xml",
        &text,
    )
}

fn no_chart(testid: &str) -> String {
    format!("Could not save the {testid} chart: it is not drawn (run something first).")
}

/// Downloads the chart inside the view `testid` as a PNG (at twice its size, on white): the SVG
/// drawn into a canvas. The drawing waits for the image to load, so a failure is reported
/// through `on_error`.
pub fn download_png(testid: &'static str, on_error: Callback<String>) {
    let Some((text, width, height)) = standalone_svg(testid) else {
        return on_error.emit(no_chart(testid));
    };
    let failed = move |what: &str| format!("Could not save the {testid} chart as a PNG: {what}.");
    let document = web_sys::window().and_then(|w| w.document());
    let (Some(document), Ok(image)) = (document, web_sys::HtmlImageElement::new()) else {
        return on_error.emit(failed("this browser cannot make an image here"));
    };
    let source = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&text))
    );
    let drawn = image.clone();
    let on_fail = on_error.clone();
    let on_load = wasm_bindgen::closure::Closure::once_into_js(move || {
        let scale = 2.0;
        let drew = (|| {
            let canvas: web_sys::HtmlCanvasElement =
                document.create_element("canvas").ok()?.dyn_into().ok()?;
            canvas.set_width((width * scale) as u32);
            canvas.set_height((height * scale) as u32);
            let context: web_sys::CanvasRenderingContext2d =
                canvas.get_context("2d").ok()??.dyn_into().ok()?;
            context.set_fill_style_str("#ffffff");
            context.fill_rect(0.0, 0.0, width * scale, height * scale);
            context
                .draw_image_with_html_image_element_and_dw_and_dh(
                    &drawn,
                    0.0,
                    0.0,
                    width * scale,
                    height * scale,
                )
                .ok()?;
            canvas.to_data_url_with_type("image/png").ok()
        })();
        let Some(url) = drew else {
            return on_error.emit(failed("the browser could not draw the chart into a canvas"));
        };
        if save_link(&url, &format!("concurrency-playground-{testid}.png")).is_none() {
            on_error.emit(failed("the browser refused to make a link to it"));
        }
    });
    let on_image_error = wasm_bindgen::closure::Closure::once_into_js(move || {
        on_fail.emit(failed("the browser could not read the chart as an image"));
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_onerror(Some(on_image_error.unchecked_ref()));
    image.set_src(&source);
}

/// Reads a dropped or picked file and hands its results to `on_import`, or reports why not.
fn load(
    file: web_sys::File,
    on_import: Callback<Results>,
    problem: UseStateHandle<Option<String>>,
) {
    spawn_local(async move {
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string());
        match text.as_deref().map(export::import) {
            Some(Ok(results)) => {
                problem.set(None);
                on_import.emit(results);
            }
            Some(Err(err)) => problem.set(Some(format!("{}: {err}", file.name()))),
            None => problem.set(Some(format!("{}: cannot be read", file.name()))),
        }
    });
}

/// The share and export bar, and the drop zone for results files.
#[function_component(Share)]
pub fn share(props: &ShareProps) -> Html {
    let copied = use_state(|| false);
    let problem = use_state(|| None::<String>);
    let on_copy = {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let href = window.location().href().unwrap_or_default();
            let promise = window.navigator().clipboard().write_text(&href);
            let copied = copied.clone();
            spawn_local(async move {
                copied.set(JsFuture::from(promise).await.is_ok());
            });
        })
    };
    let results = props.results.clone();
    let export = |kind: &'static str| {
        let (results, problem) = (results.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(r) = &results else { return };
            let saved = match kind {
                "json" => download(
                    "concurrency-playground-results.json",
                    "application/json",
                    &indented(&r.to_json_compact()),
                ),
                "csv" => download(
                    "concurrency-playground-tasks.csv",
                    "text/csv",
                    &export::csv(r),
                ),
                _ => download(
                    "concurrency-playground-trace.json",
                    "application/json",
                    &export::chrome_trace(r),
                ),
            };
            // The same place as an import's problem: both are about this panel's files.
            problem.set(saved.err());
        })
    };
    let on_pick = {
        let (on_import, problem) = (props.on_import.clone(), problem.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                load(file, on_import.clone(), problem.clone());
            }
            input.set_value("");
        })
    };
    // Drop a results file anywhere on the page.
    {
        let (on_import, problem) = (props.on_import.clone(), problem.clone());
        use_effect_with((), move |()| {
            // Both taken off when the panel unmounts: dropping the guards removes them.
            let listeners = web_sys::window().and_then(|w| w.document()).map(|d| {
                let over = EventListener::new(&d, "dragover", |e| e.prevent_default());
                let on_drop = EventListener::new(&d, "drop", move |e| {
                    let file = e
                        .dyn_ref::<web_sys::DragEvent>()
                        .and_then(|e| e.data_transfer())
                        .and_then(|d| d.files())
                        .and_then(|f| f.get(0));
                    if let Some(file) = file {
                        e.prevent_default();
                        load(file, on_import.clone(), problem.clone());
                    }
                });
                (over, on_drop)
            });
            move || drop(listeners)
        });
    }
    let none = props.results.is_none();
    html! {
        <section class="share toolbar" data-testid="share" aria-label="Share and export">
            <button type="button" class="secondary" data-testid="copy-link" onclick={on_copy}>
                { if *copied { "Link copied" } else { "Copy link" } }
            </button>
            <button type="button" class="secondary" data-testid="export-json" disabled={none} onclick={export("json")}>{ "Results JSON" }</button>
            <button type="button" class="secondary" data-testid="export-csv" disabled={none} onclick={export("csv")}>{ "Tasks CSV" }</button>
            <button type="button" class="secondary" data-testid="export-trace" disabled={none} onclick={export("trace")}
                title="Chrome trace-event JSON: open it in ui.perfetto.dev or chrome://tracing">{ "Trace for Perfetto" }</button>
            <label class="import">
                { "Load results: " }
                <input type="file" accept=".json,application/json" data-testid="import" onchange={on_pick}
                    aria-label="Load a results JSON file (or drop it on the page)" />
            </label>
            if let Some(problem) = &*problem {
                <p class="error" role="alert" data-testid="import-error">{ problem }</p>
            }
        </section>
    }
}
