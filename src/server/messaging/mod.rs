//! Talking to customers: carrier settings, inbound messages and calls, replies, the
//! outbox worker and its providers, and live events for open pages.

pub mod chat;
pub mod conversation;
pub mod events;
pub mod inbound;
pub mod live;
pub mod outbound;
pub mod outbox;
pub mod provider;
pub mod queue;
pub mod scope;
pub mod send_facts;
pub mod send_result;
pub mod settings;
pub mod system_text;
pub mod threads;
pub mod whatsapp_cloud;
