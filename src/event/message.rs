//! Message bodies: the `MsgBody` of the message callbacks (`C2C.*`, `Group.*`,
//! `OfficialAccount.*`), Chat's `TIMMessage` elements.

use std::cell::Cell;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::{RoomId, UserId};

/// One element of a `MsgBody`: `{"MsgType": ..., "MsgContent": {...}}`, Chat's `TIMMessage`
/// format (formats: trtc.io/document/74355, tencentcloud.com/document/product/1047/33527).
///
/// The element types this crate names are read into their variant only when writing the
/// variant back gives exactly the element that arrived (no member unnamed, none of another
/// JSON type); any other element, of another `MsgType` or not, is kept as sent in
/// [`Other`](Self::Other). So a message body is always written back as it arrived, and the
/// named variants hold everything their element had. Older SDKs (2.x, 3.x) send sound,
/// file and video elements without their URLs and download flags: those are named too.
///
/// ```
/// use tencent_room_webhook::event::live::MsgElement;
/// use tencent_room_webhook::event::{Event, LiveEvent};
///
/// let body = br#"{
///     "CallbackCommand": "Group.CallbackAfterSendMsg",
///     "MsgBody": [
///         {"MsgType": "TIMTextElem", "MsgContent": {"Text": "red packet"}},
///         {"MsgType": "TIMSoundElem", "MsgContent": {"UUID": "u1", "Size": 2048, "Second": 3}},
///         {"MsgType": "TIMSoundElem", "MsgContent": {"UUID": "u2", "Second": "3"}}
///     ]
/// }"#;
/// let Event::Live(LiveEvent::MessageSent(sent)) = Event::from_json(body)? else { unreachable!() };
/// assert_eq!(sent.msg_body[0], MsgElement::text("red packet"));
/// let MsgElement::Sound { second, .. } = &sent.msg_body[1] else { unreachable!() };
/// assert_eq!(*second, Some(3));
/// // `Second` as a string would not be written back as sent by `Sound`: kept as it came.
/// let MsgElement::Other(sound) = &sent.msg_body[2] else { unreachable!() };
/// assert_eq!(sound["MsgContent"]["Second"], "3");
/// assert_eq!(sent.msg_body[2].msg_type(), Some("TIMSoundElem"));
/// # Ok::<(), tencent_room_webhook::event::DecodeError>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "MsgType", content = "MsgContent")]
#[non_exhaustive]
pub enum MsgElement {
    /// `TIMTextElem`: text.
    #[serde(rename = "TIMTextElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Text {
        /// `Text`.
        text: Option<String>,
    },
    /// `TIMCustomElem`: the app's own data.
    #[serde(rename = "TIMCustomElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Custom {
        /// `Data`: the payload.
        data: Option<String>,
        /// `Desc`: a description.
        desc: Option<String>,
        /// `Ext`: an extension field.
        ext: Option<String>,
        /// `Sound`: the sound of the offline push.
        sound: Option<String>,
    },
    /// `TIMFaceElem`: an emoji.
    #[serde(rename = "TIMFaceElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Face {
        /// `Index`: the emoji's index.
        index: Option<u64>,
        /// `Data`: extra data.
        data: Option<String>,
    },
    /// `TIMLocationElem`: a place.
    #[serde(rename = "TIMLocationElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Location {
        /// `Desc`: a description of the place.
        desc: Option<String>,
        /// `Latitude`.
        latitude: Option<f64>,
        /// `Longitude`.
        longitude: Option<f64>,
    },
    /// `TIMImageElem`: an image, in several sizes.
    #[serde(rename = "TIMImageElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Image {
        /// `UUID`: the image's ID.
        #[serde(rename = "UUID")]
        uuid: Option<String>,
        /// `ImageFormat`: 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other.
        image_format: Option<u64>,
        /// `ImageInfoArray`: the original, the large and the thumbnail image.
        image_info_array: Option<Vec<ImageInfo>>,
    },
    /// `TIMSoundElem`: a voice message.
    #[serde(rename = "TIMSoundElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Sound {
        /// `Url`: where to download it.
        url: Option<String>,
        /// `UUID`: the sound's ID.
        #[serde(rename = "UUID")]
        uuid: Option<String>,
        /// `Size`, in bytes.
        size: Option<u64>,
        /// `Second`: its length, in seconds.
        second: Option<u64>,
        /// `Download_Flag`: how to download it (`2`: from `Url`).
        #[serde(rename = "Download_Flag")]
        download_flag: Option<u64>,
    },
    /// `TIMFileElem`: a file.
    #[serde(rename = "TIMFileElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    File {
        /// `Url`: where to download it.
        url: Option<String>,
        /// `UUID`: the file's ID.
        #[serde(rename = "UUID")]
        uuid: Option<String>,
        /// `FileSize`, in bytes.
        file_size: Option<u64>,
        /// `FileName` (the format page's table writes `fileName`: an element with that
        /// spelling is kept in [`Other`](MsgElement::Other)).
        file_name: Option<String>,
        /// `Download_Flag`: how to download it (`2`: from `Url`).
        #[serde(rename = "Download_Flag")]
        download_flag: Option<u64>,
    },
    /// `TIMVideoFileElem`: a video, with its thumbnail.
    #[serde(rename = "TIMVideoFileElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Video {
        /// `VideoUrl`: where to download the video.
        video_url: Option<String>,
        /// `VideoUUID`: the video's ID.
        #[serde(rename = "VideoUUID")]
        video_uuid: Option<String>,
        /// `VideoSize`, in bytes.
        video_size: Option<u64>,
        /// `VideoSecond`: its length, in seconds (`0` from the Web SDK).
        video_second: Option<u64>,
        /// `VideoFormat`: its format (`mp4`, ...).
        video_format: Option<String>,
        /// `VideoDownloadFlag`: how to download it (`2`: from `VideoUrl`).
        video_download_flag: Option<u64>,
        /// `ThumbUrl`: where to download the thumbnail.
        thumb_url: Option<String>,
        /// `ThumbUUID`: the thumbnail's ID.
        #[serde(rename = "ThumbUUID")]
        thumb_uuid: Option<String>,
        /// `ThumbSize`, in bytes.
        thumb_size: Option<u64>,
        /// `ThumbWidth`, in pixels.
        thumb_width: Option<u64>,
        /// `ThumbHeight`, in pixels.
        thumb_height: Option<u64>,
        /// `ThumbFormat`: the thumbnail's format (`JPG`, ...).
        thumb_format: Option<String>,
        /// `ThumbDownloadFlag`: how to download it (`2`: from `ThumbUrl`).
        thumb_download_flag: Option<u64>,
    },
    /// `TIMRelayElem`: messages merged and forwarded as one (native SDK 5.2.210 and later,
    /// Web SDK 2.10.1 and later).
    #[serde(rename = "TIMRelayElem", rename_all = "PascalCase")]
    #[non_exhaustive]
    Relay {
        /// `Title`: the bundle's title.
        title: Option<String>,
        /// `MsgNum`: how many messages it holds.
        msg_num: Option<u64>,
        /// `CompatibleText`: the text shown by clients that cannot show a bundle.
        compatible_text: Option<String>,
        /// `AbstractList`: the summary lines shown for the bundle.
        abstract_list: Option<Vec<String>>,
        /// `MsgList`: the messages, when the bundle is 12 KB or less.
        msg_list: Option<Vec<RelayMessage>>,
        /// `JsonMsgKey`: the key the bundle is stored under, instead of `MsgList`, when it
        /// is larger.
        json_msg_key: Option<String>,
    },
    /// An element of another `MsgType`, or one whose members this crate does not name or
    /// cannot read: the element's JSON, exactly as sent.
    #[serde(skip)]
    Other(Value),
}

impl MsgElement {
    /// A `TIMTextElem` with `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text {
            text: Some(text.into()),
        }
    }

    /// A `TIMCustomElem` with `Data` and `Desc` (no `Ext`, no `Sound`).
    pub fn custom(data: impl Into<String>, desc: impl Into<String>) -> Self {
        Self::Custom {
            data: Some(data.into()),
            desc: Some(desc.into()),
            ext: None,
            sound: None,
        }
    }

    /// The element's `MsgType`, when it has one as text.
    pub fn msg_type(&self) -> Option<&str> {
        match self {
            Self::Text { .. } => Some("TIMTextElem"),
            Self::Custom { .. } => Some("TIMCustomElem"),
            Self::Face { .. } => Some("TIMFaceElem"),
            Self::Location { .. } => Some("TIMLocationElem"),
            Self::Image { .. } => Some("TIMImageElem"),
            Self::Sound { .. } => Some("TIMSoundElem"),
            Self::File { .. } => Some("TIMFileElem"),
            Self::Video { .. } => Some("TIMVideoFileElem"),
            Self::Relay { .. } => Some("TIMRelayElem"),
            Self::Other(value) => value.get("MsgType")?.as_str(),
        }
    }
}

impl Serialize for MsgElement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Other(value) => value.serialize(serializer),
            // The derived form, written by `remote = "Self"` as an inherent function.
            known => MsgElement::serialize(known, serializer),
        }
    }
}

/// Elements typed inside one another at most (a `TIMRelayElem` holds messages, whose
/// elements may be relays again): deeper ones are kept as sent, in [`MsgElement::Other`].
/// Typing an element copies it and writes it back, so each level typed holds another copy
/// of everything below it: a body nested as deep as JSON allows would cost it many times
/// over.
const TYPED_DEPTH: usize = 3;

thread_local! {
    /// How many elements are being typed on this thread, one inside the other.
    static TYPING: Cell<usize> = const { Cell::new(0) };
}

/// One more level of typing while it lives.
struct Typing;

impl Typing {
    fn enter() -> Option<Self> {
        TYPING.with(|depth| {
            (depth.get() < TYPED_DEPTH).then(|| {
                depth.set(depth.get() + 1);
                Self
            })
        })
    }
}

impl Drop for Typing {
    fn drop(&mut self) {
        TYPING.with(|depth| depth.set(depth.get() - 1));
    }
}

impl<'de> Deserialize<'de> for MsgElement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if let Some(text) = plain_text(&value) {
            return Ok(Self::text(text));
        }
        let Some(_typing) = Typing::enter() else {
            return Ok(Self::Other(value));
        };
        // A named variant only when it writes back to exactly what arrived: nothing of
        // the element is lost, and none of it changes type.
        let known = MsgElement::deserialize(&value).ok().filter(|known| {
            serde_json::to_value(Written(known)).is_ok_and(|written| written == value)
        });
        Ok(known.unwrap_or(Self::Other(value)))
    }
}

/// The text of a `TIMTextElem` that holds its `Text` and nothing else, as nearly every
/// message's element is: read at once, without writing it back to compare (it writes back
/// as it arrived by construction).
fn plain_text(value: &Value) -> Option<&str> {
    let element = value.as_object().filter(|element| element.len() == 2)?;
    if element.get("MsgType")?.as_str()? != "TIMTextElem" {
        return None;
    }
    let content = element.get("MsgContent")?.as_object()?;
    match (content.len(), content.get("Text")) {
        (1, Some(Value::String(text))) => Some(text),
        _ => None,
    }
}

/// A named element written by the derived form, for the comparison above.
struct Written<'a>(&'a MsgElement);

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MsgElement::serialize(self.0, serializer)
    }
}

/// One size of a `TIMImageElem`: an entry of `ImageInfoArray`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ImageInfo {
    /// `Type`: 1 original, 2 large, 3 thumbnail.
    #[serde(rename = "Type")]
    pub image_type: Option<u64>,
    /// `Size`, in bytes.
    pub size: Option<u64>,
    /// `Width`, in pixels.
    pub width: Option<u64>,
    /// `Height`, in pixels.
    pub height: Option<u64>,
    /// `URL`: where to download it.
    #[serde(rename = "URL")]
    pub url: Option<String>,
}

/// One message of a `TIMRelayElem`: an entry of `MsgList`, with its own `MsgBody`.
///
/// Like [`ImageInfo`], it has no `extra`: an entry with a member this struct does not name
/// keeps its whole element in [`MsgElement::Other`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RelayMessage {
    /// `From_Account`: the message's sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: its recipient, for a one-to-one message.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `GroupId`: its group, for a group message.
    pub group_id: Option<RoomId>,
    /// `MsgSeq`: its sequence number.
    pub msg_seq: Option<u64>,
    /// `MsgRandom`: its random number.
    pub msg_random: Option<u64>,
    /// `MsgTimeStamp`: when it was sent, in seconds since the Unix epoch.
    pub msg_time_stamp: Option<u64>,
    /// `MsgBody`: its elements (named or kept by the rule of [`MsgElement`]).
    pub msg_body: Option<Vec<MsgElement>>,
    /// `CloudCustomData`: the app's data stored with it.
    pub cloud_custom_data: Option<String>,
}
