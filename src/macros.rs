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
        /// Values are matched without regard to case; a value not listed here is kept in
        /// [`Other`](Self::Other) rather than refused. Build one from text with `From<&str>`,
        /// which does that matching: `Other` made by hand with a listed value does not
        /// compare equal to the named variant.
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
                        Ok($name::from(value))
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
        /// Decodes from a JSON string or a JSON integer (kept as its decimal text);
        /// encodes as a string. Up to 22 bytes are kept inline, without an allocation.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(crate::id_text::IdText);

        impl $name {
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// The identifier's text, owned.
            pub fn into_string(self) -> String {
                self.0.into_string()
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value.into())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.into())
            }
        }

        // Hash, Eq and Ord are the text's, so maps keyed by the ID can be read with a `&str`.
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
                self.0.as_bytes() == other.as_bytes()
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0.as_bytes() == other.as_bytes()
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
                crate::lenient::text(deserializer).map(Self)
            }
        }
    };
}

/// An object of the protocol: a struct whose fields are Tencent's members, with a decoder
/// that reads each member once, straight into its field (see `members`), and keeps the
/// members it does not name in `extra`.
///
/// Each field names its member and, when the type's own `Deserialize` is not the lenient
/// rule the protocol needs, the reader to use (`=> lenient::opt_u32`). Options and lists
/// are left out when written if absent or empty.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident: $ty:ty = $wire:literal $(=> $reader:path)?,
            )*
        }
        $(#[$xmeta:meta])*
        extra;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            $(#[$xmeta])*
            pub extra: crate::event::Extra,
        }

        impl crate::members::Record for $name {
            fn read_members<'de, A: serde::de::MapAccess<'de>>(
                mut map: A,
                command: Option<&str>,
            ) -> Result<Self, A::Error> {
                // `Some` once read: a member named twice cannot be resolved by first or
                // last, so it is an error, as serde's derive makes it.
                $( let mut $field: Option<$ty> = None; )*
                let mut extra = crate::event::Extra::new();
                let mut command_seen = false;
                while let Some(key) = map.next_key::<crate::members::Key<'de>>()? {
                    match (key.as_str(), command) {
                        $(
                            ($wire, _) => {
                                if $field.is_some() {
                                    return Err(<A::Error as serde::de::Error>::duplicate_field($wire));
                                }
                                struct Read($ty);
                                impl<'a> serde::Deserialize<'a> for Read {
                                    fn deserialize<D: serde::Deserializer<'a>>(
                                        deserializer: D,
                                    ) -> Result<Self, D::Error> {
                                        field_reader!($($reader)?)(deserializer).map(Read)
                                    }
                                }
                                $field = Some(map.next_value::<Read>()?.0);
                            }
                        )*
                        ("CallbackCommand", Some(expected)) => {
                            crate::members::expect_command(&mut map, expected)?;
                            command_seen = true;
                        }
                        _ => {
                            let value = map.next_value()?;
                            extra.insert(key.into_string(), value);
                        }
                    }
                }
                if command.is_some() && !command_seen {
                    return Err(<A::Error as serde::de::Error>::missing_field("CallbackCommand"));
                }
                Ok(Self {
                    $( $field: $field.unwrap_or_default(), )*
                    extra,
                })
            }

            fn write_members<M: serde::ser::SerializeMap>(
                &self,
                map: &mut M,
                skip_command: bool,
            ) -> Result<(), M::Error> {
                $(
                    if !crate::members::Absent::absent(&self.$field) {
                        map.serialize_entry($wire, &self.$field)?;
                    }
                )*
                for (name, value) in &self.extra {
                    if !(skip_command && name == "CallbackCommand") {
                        map.serialize_entry(name, value)?;
                    }
                }
                Ok(())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(crate::members::RecordVisitor::new(None))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                crate::members::Record::write_members(self, &mut map, false)?;
                map.end()
            }
        }
    };
}

/// The reader of a `record!` field: the one it names, or the type's `Deserialize`.
macro_rules! field_reader {
    () => {
        serde::Deserialize::deserialize
    };
    ($reader:path) => {
        $reader
    };
}
