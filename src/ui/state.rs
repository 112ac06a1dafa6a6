//! The page's one reducer: Yew's `Reducible`, forwarding to the pure
//! [`PageState::apply`](crate::present::page::PageState::apply), which the host tests.

use std::rc::Rc;

use yew::prelude::*;

pub use crate::present::page::{Action, PageState, Phase, Shared};

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        self.apply(action).into()
    }
}

/// A shared document is cheap to clone: Yew may pass it as a prop without `.clone()`.
impl<T> yew::html::ImplicitClone for Shared<T> {}
