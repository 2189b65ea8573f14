//! The Chat families: every Chat callback that is neither Room nor Live, a module a family.
//!
//! An app has one callback URL per SDKAppID, and TUIRoomKit and TUILiveKit run on a Chat
//! SDKAppID: the path this crate serves also receives every Chat callback switched on in the
//! console. Each arrives as [`Event::Chat`](super::Event::Chat), one
//! [`ChatEvent`](super::ChatEvent) a command, whose types are in the modules below. The
//! rules are the Room and Live events': Tencent's names through serde, every member
//! optional, unnamed members kept in `extra` and written back as they arrived, lenient
//! reading (numbers and booleans as strings, IDs as numbers).
//!
//! `Group.CallbackBeforeSendMsg`, `Group.CallbackAfterSendMsg` and `Follow.*` are typed
//! once, in [`live`](super::live), whichever group they are about.
//!
//! Source: Tencent's pages, command list trtc.io/document/34355 and cloud.tencent.com
//! 269/1523, and the per-command pages each type names.

pub mod account;
pub mod bot;
pub mod c2c;
pub mod call;
pub mod group;
pub mod moderation;
pub mod official_account;
pub mod push;
pub mod sns;
