//! Content moderation: `ContentCallback.ResultNotify`, a result of Tencent's cloud
//! moderation ("content understanding") forwarded to the app.
//!
//! Its body has no `CallbackCommand` (only the query has it): [`Event::decode`] reads a
//! body without one as this event when the query's command is
//! `ContentCallback.ResultNotify`, and writes it back without one.
//!
//! [`Event::decode`]: crate::event::Event::decode
//!
//! ```
//! use tencent_room_webhook::event::chat::moderation::ModerationSuggestion;
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "Scene": "C2C",
//!     "SdkAppId": 1400187352,
//!     "From_Account": "jared",
//!     "ContactItem": {"ContactType": 1, "To_Account": "Jonh"},
//!     "ContentType": "Text",
//!     "TextContent": ["aaabbbccc"],
//!     "CtxcbResult": 1,
//!     "CtxcbSuggestion": "Review"
//! }"#;
//! let event = Event::decode("ContentCallback.ResultNotify", body)?;
//! let Event::Chat(ChatEvent::ModerationResult(result)) = &event else { unreachable!() };
//! assert_eq!(result.ctxcb_suggestion, Some(ModerationSuggestion::Review));
//! assert_eq!(result.text_content, ["aaabbbccc"]);
//! // Written back as it came: without a command.
//! let written = serde_json::to_value(&event).unwrap();
//! assert!(written.get("CallbackCommand").is_none());
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::event::{body_members, Extra, RoomId, UserId};
use crate::lenient;

open_enum! {
    /// `Scene` of `ContentCallback.ResultNotify`: what was moderated.
    pub enum ModerationScene {
        /// `C2C`: a one-to-one message.
        C2c = "C2C",
        /// `C2CCustom`: a one-to-one custom message.
        C2cCustom = "C2CCustom",
        /// `Group`: a group message.
        Group = "Group",
        /// `GroupCustom`: a group custom message.
        GroupCustom = "GroupCustom",
        /// `GroupInfo`: a group's profile.
        GroupInfo = "GroupInfo",
        /// `GroupMemberInfo`: a group member's profile.
        GroupMemberInfo = "GroupMemberInfo",
        /// `RelationChain`: relationship data (friend remarks, ...).
        RelationChain = "RelationChain",
        /// `UserInfo`: a user's profile.
        UserInfo = "UserInfo",
    }
}

open_enum! {
    /// `ContentType` of `ContentCallback.ResultNotify`: the kind of content moderated.
    pub enum ModerationContentType {
        /// `Text`.
        Text = "Text",
        /// `Image`.
        Image = "Image",
        /// `Audio`.
        Audio = "Audio",
        /// `Video`.
        Video = "Video",
    }
}

open_enum! {
    /// `CtxcbSuggestion` of `ContentCallback.ResultNotify`: what moderation suggests.
    pub enum ModerationSuggestion {
        /// `Block`.
        Block = "Block",
        /// `Review`: a human should look.
        Review = "Review",
        /// `Normal`: nothing found.
        Normal = "Normal",
    }
}

open_enum! {
    /// `CtxcbLabel` of `ContentCallback.ResultNotify`: the kind of violation found.
    pub enum ModerationLabel {
        /// `Normal`.
        Normal = "Normal",
        /// `Illegal`.
        Illegal = "Illegal",
        /// `Abuse`.
        Abuse = "Abuse",
        /// `Polity`.
        Polity = "Polity",
        /// `Ad`: advertising.
        Ad = "Ad",
        /// `Porn`.
        Porn = "Porn",
        /// `Sexy`.
        Sexy = "Sexy",
        /// `Terror`.
        Terror = "Terror",
        /// `Composite`.
        Composite = "Composite",
    }
}

/// `ContactItem` of `ContentCallback.ResultNotify`: where the moderated message went.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ContactItem {
    /// `ContactType`: `1` one-to-one, `2` group.
    #[serde(deserialize_with = "lenient::number")]
    pub contact_type: Option<u32>,
    /// `To_Account`: the recipient (`ContactType` 1).
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `ToGroupId`: the group (`ContactType` 2).
    pub to_group_id: Option<RoomId>,
    /// Members of `ContactItem` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(ContactItem {});

/// `ContentCallback.ResultNotify`: a cloud moderation result (pages cloud.tencent.com
/// 269/95616, tencentcloud.com/zh 1047/78240 and 1047/77840). Only violating results by
/// default; the console can send them all. The body has no `CallbackCommand`: the query's
/// decides (the event is written back without one). The room: the group, for a group
/// message (`ContactItem.ToGroupId`).
///
/// The meanings of the members after `ContactItem` come from a third-party SDK's copy of
/// the page (the table read stops there); their JSON types are the sample's.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ModerationResult {
    /// `Scene`: what was moderated.
    pub scene: Option<ModerationScene>,
    /// `SdkAppId`: the app (a JSON number in this body).
    #[serde(deserialize_with = "lenient::number")]
    pub sdk_app_id: Option<u64>,
    /// `From_Account`: who produced the content.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `ContactItem`: where the message went (message scenes). In a `Box`, as
    /// [`RoomInfo`](crate::event::RoomInfo) is, to keep [`Event`](crate::event::Event)
    /// small.
    pub contact_item: Option<Box<ContactItem>>,
    /// `ContentType`: `Text`, `Image`, `Audio` or `Video`.
    pub content_type: Option<ModerationContentType>,
    /// `TextContent`: the text moderated (several items for some custom messages).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub text_content: Vec<String>,
    /// `FileURL`: the file moderated (media).
    #[serde(rename = "FileURL")]
    pub file_url: Option<String>,
    /// `MsgID` (capital `ID`): the message, its `MsgKey` one-to-one, its `MsgSeq` in a
    /// group (a group result without it: the message was blocked or not delivered).
    #[serde(rename = "MsgID")]
    pub msg_id: Option<String>,
    /// `CtxcbResult`: `1` blocked, `0` passed.
    #[serde(deserialize_with = "lenient::number")]
    pub ctxcb_result: Option<u32>,
    /// `CtxcbRequestId`: the moderation request's ID.
    pub ctxcb_request_id: Option<String>,
    /// `CtxcbKeywords`: the keywords matched.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ctxcb_keywords: Vec<String>,
    /// `CtxcbSuggestion`: `Block`, `Review` or `Normal`.
    pub ctxcb_suggestion: Option<ModerationSuggestion>,
    /// `CtxcbLabel`: the kind of violation.
    pub ctxcb_label: Option<ModerationLabel>,
    /// `CtxcbSubLabel`: the finer kind of violation.
    pub ctxcb_sub_label: Option<String>,
    /// `CtxcbSubLabelDesc`: its description.
    pub ctxcb_sub_label_desc: Option<String>,
    /// `CtxcbLibName`: the moderation library that matched.
    pub ctxcb_lib_name: Option<String>,
    /// `CloudCustomData`: the message's `CloudCustomData`, echoed (empty in other scenes).
    pub cloud_custom_data: Option<String>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
