//! The page (`trunk` builds it from index.html).

fn main() {
    #[cfg(target_arch = "wasm32")]
    playground::ui::start();
}
