//! Data to look at and to measure with: the demo organisation and bulk data for
//! benchmarks.

mod bulk;
mod demo;

pub use bulk::{seed_bulk, seed_messages};
pub use demo::{seed_demo, seed_demo_for, DEMO_SLUG};
