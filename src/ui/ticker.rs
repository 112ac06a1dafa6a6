//! A counter advanced by `requestAnimationFrame`: it visibly stops whenever the UI thread is
//! blocked, and keeps moving while the other models run.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// A `requestAnimationFrame` callback that re-arms itself.
type FrameCallback = Closure<dyn FnMut()>;

/// The ticking counter.
#[function_component(Ticker)]
pub fn ticker() -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with((), move |()| {
            let Some(window) = web_sys::window() else {
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            };
            // The frame callback re-arms itself; it holds its own Closure through this cell.
            let frame: Rc<RefCell<Option<FrameCallback>>> = Rc::default();
            let handle = Rc::new(RefCell::new(0));
            let mut count: u64 = 0;
            let (me, h, w) = (frame.clone(), handle.clone(), window.clone());
            *frame.borrow_mut() = Some(Closure::new(move || {
                count += 1;
                if let Some(el) = node.get() {
                    el.set_text_content(Some(&format!("{count}")));
                }
                if let Some(cb) = me.borrow().as_ref() {
                    *h.borrow_mut() = w
                        .request_animation_frame(cb.as_ref().unchecked_ref())
                        .unwrap_or(0);
                }
            }));
            if let Some(cb) = frame.borrow().as_ref() {
                *handle.borrow_mut() = window
                    .request_animation_frame(cb.as_ref().unchecked_ref())
                    .unwrap_or(0);
            }
            Box::new(move || {
                let _ = window.cancel_animation_frame(*handle.borrow());
                // Break the cycle closure → cell → closure.
                frame.borrow_mut().take();
            }) as Box<dyn FnOnce()>
        });
    }
    html! {
        <span class="ticker" title="Frames painted: this counter freezes when the UI thread is blocked">
            { "frames: " }<strong data-testid="ticker" ref={node}>{ "0" }</strong>
        </span>
    }
}
