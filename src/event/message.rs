//! Message bodies: the `MsgBody` of the `Group.*` callbacks, Chat's `TIMMessage` elements.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// One element of a `MsgBody`: `{"MsgType": ..., "MsgContent": {...}}`, Chat's `TIMMessage`
/// format (formats: trtc.io/document/74355).
///
/// The element types this crate names are read into their variant only when writing the
/// variant back gives exactly the element that arrived (no member unnamed, none of another
/// JSON type); any other element, of another `MsgType` or not, is kept as sent in
/// [`Other`](Self::Other). So a message body is always written back as it arrived, and the
/// named variants hold everything their element had.
///
/// ```
/// use tencent_room_webhook::event::live::MsgElement;
/// use tencent_room_webhook::event::{Event, LiveEvent};
///
/// let body = br#"{
///     "CallbackCommand": "Group.CallbackAfterSendMsg",
///     "MsgBody": [
///         {"MsgType": "TIMTextElem", "MsgContent": {"Text": "red packet"}},
///         {"MsgType": "TIMSoundElem", "MsgContent": {"UUID": "u1", "Second": 3}}
///     ]
/// }"#;
/// let Event::Live(LiveEvent::MessageSent(sent)) = Event::from_json(body)? else { unreachable!() };
/// assert_eq!(sent.msg_body[0], MsgElement::text("red packet"));
/// let MsgElement::Other(sound) = &sent.msg_body[1] else { unreachable!() };
/// assert_eq!(sound["MsgContent"]["Second"], 3);
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
    /// An element of another `MsgType` (sound, file, video, ...), or one whose members
    /// this crate does not name or cannot read: the element's JSON, exactly as sent.
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

impl<'de> Deserialize<'de> for MsgElement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        // A named variant only when it writes back to exactly what arrived: nothing of
        // the element is lost, and none of it changes type.
        let known = MsgElement::deserialize(&value).ok().filter(|known| {
            serde_json::to_value(Written(known)).is_ok_and(|written| written == value)
        });
        Ok(known.unwrap_or(Self::Other(value)))
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
