pub mod components;
pub mod layout;
pub mod live;
mod outlet;
pub mod pages;
