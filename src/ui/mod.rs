pub mod components;
pub mod layout;
pub mod pages;
