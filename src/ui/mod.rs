pub mod components;
pub mod layout;
pub mod live;
pub mod pages;
