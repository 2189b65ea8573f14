//! Declarations shared by the protocol's value types.

/// An open enumeration of the protocol: the listed values by name, matched without
/// regard to case (Tencent's pages disagree on case), any other value kept as sent.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// A value not listed here is kept in [`Other`](Self::Other) rather than refused.
        /// Read from a body, a value spelled exactly as listed is its named variant; one
        /// spelled otherwise (another case, another page's spelling) is kept in `Other` as
        /// sent, so that the event is written back as it arrived. `From<&str>` and
        /// [`normalized`](Self::normalized) match without regard to case and know the other
        /// spellings: `match` on `value.normalized()` to treat them alike.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not list, exactly as sent.
            Other(String),
        }

        impl $name {
            /// The value as Tencent spells it (for [`Other`](Self::Other), as it was sent).
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(value) => value,
                }
            }

            /// The named variant this value stands for when it is spelled otherwise (another
            /// case, another page's spelling); the value itself otherwise.
            pub fn normalized(&self) -> Self {
                match self {
                    Self::Other(value) => Self::from(value.as_str()),
                    known => known.clone(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $(
                    if value.eq_ignore_ascii_case($wire) $(|| value.eq_ignore_ascii_case($alias))* {
                        return Self::$variant;
                    }
                )+
                Self::Other(value.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct OpenVisitor;

                impl serde::de::Visitor<'_> for OpenVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }

                    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        // Only the exact spelling is the named variant: any other is kept
                        // as sent, so that writing the event back gives what arrived.
                        Ok(match $name::from(value) {
                            known if known.as_str() == value => known,
                            _ => $name::Other(value.to_owned()),
                        })
                    }
                }

                deserializer.deserialize_str(OpenVisitor)
            }
        }
    };
}

/// An identifier of the protocol: text, which Tencent sometimes sends as a JSON number.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// Decodes from a JSON string or a JSON integer (kept as its decimal text, exactly,
        /// however large: Tencent sends 18-digit IDs as bare integers); encodes the way it
        /// arrived, as a string or as that integer. Equality, order and hashing are the
        /// text's. Up to 24 bytes are kept inline, without an allocation.
        #[derive(Debug, Clone, Default)]
        pub struct $name {
            text: compact_str::CompactString,
            /// Sent as a JSON integer: written back as one.
            number: bool,
        }

        impl $name {
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                self.text.as_str()
            }

            /// The identifier's text, owned.
            pub fn into_string(self) -> String {
                self.text.into()
            }

            /// Whether it arrived as a JSON integer (and is written back as one).
            pub fn is_number(&self) -> bool {
                self.number
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self { text: compact_str::CompactString::from(value), number: false }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self { text: value.into(), number: false }
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.text == other.text
            }
        }

        impl Eq for $name {}

        // Hash, Eq and Ord are the text's, so maps keyed by the ID can be read with a `&str`.
        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::lenient::write_text(self.as_str(), self.number, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::lenient::text(deserializer).map(|(text, number)| Self { text, number })
            }
        }
    };
}
