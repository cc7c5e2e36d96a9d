//! SCAFFOLD: filled in by this change.
