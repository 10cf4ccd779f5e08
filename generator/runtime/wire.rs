//! How the generated types read and write JSON: `Serialize` and `Deserialize` through two small
//! macros instead of serde's derives.
//!
//! serde's derives give every struct a field-identifier enum with its own `Deserialize` impl
//! and visitor, a `visit_seq` and a `visit_map`, and every string enum with an unknown-value
//! fallback a decoder that buffers the value and tries each variant in turn: on a crate of a
//! few hundred schemas that is most of its compile time. Instead:
//!
//! - A struct lists its JSON object in `json_object!`: each field's wire name, its Rust name and
//!   its kind. The macro expands to a `Serialize` impl and to a [`FromMap`] impl that matches
//!   the object's keys against the wire names with the one [`Field`] seed below; the struct's
//!   `Deserialize` is [`deserialize`], one visitor for all. From a JSON object they accept and
//!   produce what the derives would: unknown keys are skipped, a repeated key is an error
//!   (`duplicate field`), a missing required field is an error (`missing field`), and the
//!   errors reach `serde_path_to_error` with the same paths. Unlike the derive, a JSON array is
//!   not accepted in place of a struct. The kinds of field:
//!   - `required`: a missing key is an error; always sent.
//!   - `default`: a missing key decodes as the field's `Default` (a lenient read of a required
//!     scalar or list, or a nullable field, which decodes as `None`); always sent.
//!   - `optional`: an `Option` field whose missing key decodes as `None`, and which is left
//!     out of what is sent while it is `None`.
//!
//!   A kind followed by `integral` (`"per_page" => per_page: optional integral`) marks a field
//!   holding integers the spec types `number` (an `i64`, or an `Option`, list or map of them):
//!   its value is read through [`Integral`], which takes any whole JSON number (`100`,
//!   `100.0`, `1e2`) and fails on `100.5`. Structs that derive serde's traits say the same with
//!   `#[serde(deserialize_with = "…::integral")]` ([`integral`]). A `type: integer` field keeps
//!   serde's strict decoding.
//! - A string enum lists its values in `string_enum!`, and last (`_ =>`) its fallback variant,
//!   which holds any other string. It is sent and read as a JSON string, through one shared visitor
//!   ([`deserialize_string_enum`]), which does not copy a known value.
//! - An integer enum (one whose values the spec names or documents) lists them in
//!   `integer_enum!` the same way; its fallback holds any other integer. It is sent and read as a
//!   JSON integer, through [`deserialize_integer_enum`].

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, Visitor,
};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A struct decoded from a map (a JSON object); implemented by `json_object!`.
pub trait FromMap: Sized {
    /// The struct's name, for `expected struct …` in errors.
    const NAME: &'static str;
    /// The wire names of its fields: [`Field`] reads a key as its index here.
    const FIELDS: &'static [&'static str];

    /// Decodes the struct from the entries of `map`.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The `Deserialize` of a [`FromMap`] struct.
pub fn deserialize<'de, T: FromMap, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

/// Accepts a map only: unlike the derive's visitor, not a sequence of the field values in
/// declaration order, which JSON APIs never send (and which let an array pass for a struct).
struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// Reads an object key as its position in a struct's field table: `Some(index)` for a known
/// field, `None` for a key to skip.
#[derive(Debug, Clone, Copy)]
pub struct Field(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Field {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Field {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == key))
    }

    /// A field's index, as formats that number the fields send it (what the derive accepts).
    fn visit_u64<E: Error>(self, index: u64) -> Result<Self::Value, E> {
        Ok(usize::try_from(index).ok().filter(|i| *i < self.0.len()))
    }
}

/// Puts the value of the field `name`, as `read` decodes it from the map (serde's
/// `Deserialize`, or [`Integral`] for a field marked `integral`), into `slot`; a second value
/// for the same field is an error, as with the derive.
pub fn next_field<T, E: Error>(
    slot: &mut Option<T>,
    name: &'static str,
    read: impl FnOnce() -> Result<T, E>,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(read()?);
    Ok(())
}

/// An integer the spec types `number`: any whole JSON number (`100`, `100.0`, `1e2`) within
/// `i64`. A fraction (`100.5`) or a number beyond `i64` is an error, which names the field
/// like any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeNumber(pub i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Not `deserialize_i64`: serde's buffered values (a flattened map, an untagged enum)
        // take that hint strictly and refuse `8.0` before the visitor sees it.
        deserializer.deserialize_any(WholeNumberVisitor)
    }
}

struct WholeNumberVisitor;

impl Visitor<'_> for WholeNumberVisitor {
    type Value = WholeNumber;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<WholeNumber, E> {
        Ok(WholeNumber(value))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<WholeNumber, E> {
        i64::try_from(value)
            .map(WholeNumber)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<WholeNumber, E> {
        // `i64::MIN` is exactly -2⁶³; `i64::MAX as f64` rounds up to 2⁶³, which does not fit.
        if value.fract() == 0.0 && value >= i64::MIN as f64 && value < i64::MAX as f64 {
            Ok(WholeNumber(value as i64))
        } else {
            Err(E::invalid_value(serde::de::Unexpected::Float(value), &self))
        }
    }
}

/// A field type holding integers the spec types `number`: `i64`, and `Option`s, lists and
/// maps of them. It is read as its `Wire` form, where each `i64` is a [`WholeNumber`].
pub trait Integral: Sized {
    type Wire: serde::de::DeserializeOwned;

    fn from_wire(wire: Self::Wire) -> Self;
}

impl Integral for i64 {
    type Wire = WholeNumber;

    fn from_wire(wire: WholeNumber) -> i64 {
        wire.0
    }
}

impl<T: Integral> Integral for Option<T> {
    type Wire = Option<T::Wire>;

    fn from_wire(wire: Self::Wire) -> Self {
        wire.map(T::from_wire)
    }
}

impl<T: Integral> Integral for Vec<T> {
    type Wire = Vec<T::Wire>;

    fn from_wire(wire: Self::Wire) -> Self {
        wire.into_iter().map(T::from_wire).collect()
    }
}

impl<T: Integral> Integral for BTreeMap<String, T> {
    type Wire = BTreeMap<String, T::Wire>;

    fn from_wire(wire: Self::Wire) -> Self {
        wire.into_iter()
            .map(|(key, value)| (key, T::from_wire(value)))
            .collect()
    }
}

/// The `deserialize_with` of a field holding integers the spec types `number` (see
/// [`Integral`]).
pub fn integral<'de, T: Integral, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    T::Wire::deserialize(deserializer).map(T::from_wire)
}

/// The value of the required field `name`, or the derive's `missing field` error.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Skips the value of a key the struct does not know.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// `Serialize` and `Deserialize` for a struct, from its JSON object:
///
/// ```text
/// json_object! {
///     Paging {
///         "start_offset" => start_offset: default,
///         "total_count" => total_count: required,
///         "next" => next: optional,
///         "per_page" => per_page: optional integral,
///     }
/// }
/// ```
///
/// Every field of the struct is listed once, in declaration order, with one of the kinds of the
/// [module docs](self). A struct without fields derives serde's traits instead (its expansion
/// would leave names unused).
#[allow(unused_macros)] // a crate whose schemas have no plain struct does not use it
macro_rules! json_object {
    ($name:ident { $($wire:literal => $field:ident: $kind:ident $($decode:ident)?),+ $(,)? }) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let len = 0 $(+ $crate::runtime::wire::json_object!(@len $kind, self.$field))*;
                let mut object = serializer.serialize_struct(stringify!($name), len)?;
                $($crate::runtime::wire::json_object!(@send $kind, object, $wire, self.$field);)*
                object.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::runtime::wire::deserialize(deserializer)
            }
        }

        impl $crate::runtime::wire::FromMap for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];

            fn from_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                use $crate::runtime::wire::{skip, Field};
                /// The fields' positions in `FIELDS`.
                #[allow(non_camel_case_types)]
                enum Index { $($field),* }
                $(let mut $field = None;)*
                while let Some(key) = map.next_key_seed(Field(Self::FIELDS))? {
                    match key {
                        $(Some(index) if index == Index::$field as usize => {
                            $crate::runtime::wire::json_object!(
                                @next map, $field, $wire $(, $decode)?
                            )
                        })*
                        _ => skip(&mut map)?,
                    }
                }
                Ok(Self {
                    $($field: $crate::runtime::wire::json_object!(@value $kind, $field, $wire),)*
                })
            }
        }
    };
    (@next $map:ident, $slot:ident, $wire:literal) => {
        $crate::runtime::wire::next_field(&mut $slot, $wire, || $map.next_value())?
    };
    (@next $map:ident, $slot:ident, $wire:literal, integral) => {
        $crate::runtime::wire::next_field(&mut $slot, $wire, || {
            $map.next_value().map($crate::runtime::wire::Integral::from_wire)
        })?
    };
    (@len optional, $value:expr) => { usize::from($value.is_some()) };
    (@len required, $value:expr) => { 1 };
    (@len default, $value:expr) => { 1 };
    (@send optional, $object:ident, $wire:literal, $value:expr) => {
        if $value.is_some() {
            $object.serialize_field($wire, &$value)?;
        } else {
            $object.skip_field($wire)?;
        }
    };
    (@send $kind:ident, $object:ident, $wire:literal, $value:expr) => {
        $object.serialize_field($wire, &$value)?
    };
    (@value required, $slot:ident, $wire:literal) => {
        $crate::runtime::wire::required($slot, $wire)?
    };
    (@value default, $slot:ident, $wire:literal) => { $slot.unwrap_or_default() };
    (@value optional, $slot:ident, $wire:literal) => { $slot.unwrap_or_default() };
}
#[allow(unused_imports)] // as above
pub(crate) use json_object;

/// The `Deserialize` of a string enum: a known value (`known`) or the fallback (`unknown`).
pub fn deserialize_string_enum<'de, T, D: Deserializer<'de>>(
    deserializer: D,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(StringEnumVisitor { known, unknown })
}

struct StringEnumVisitor<T> {
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
}

impl<T> Visitor<'_> for StringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
        Ok((self.known)(value).unwrap_or_else(|| (self.unknown)(value.to_owned())))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<T, E> {
        Ok(match (self.known)(&value) {
            Some(known) => known,
            None => (self.unknown)(value),
        })
    }
}

/// `Serialize` and `Deserialize` for a string enum, from its values and its fallback variant,
/// which holds any other string; with `as_str` (the value on the wire, the fallback's own text
/// for an unknown one), `Display` (the same text) and `FromStr`, which never fails: a text that
/// is none of the values is the fallback variant holding it, as when it is read from JSON.
///
/// ```text
/// string_enum! {
///     Role {
///         "host" => Host,
///         "guest" => Guest,
///         _ => UnknownValue,
///     }
/// }
/// ```
#[allow(unused_macros)] // a crate whose schemas have no string enum does not use it
macro_rules! string_enum {
    ($name:ident { $($wire:literal => $variant:ident,)* _ => $fallback:ident $(,)? }) => {
        impl $name {
            /// The value as the API writes it (for a value this client does not know, the
            /// text it was read from).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$fallback(value) => value,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Never fails: a text that is none of the known values is the fallback variant
        /// holding it.
        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    $($wire => Self::$variant,)*
                    other => Self::$fallback(other.to_string()),
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::runtime::wire::deserialize_string_enum(
                    deserializer,
                    |value| match value {
                        $($wire => Some(Self::$variant),)*
                        _ => None,
                    },
                    Self::$fallback,
                )
            }
        }
    };
}
#[allow(unused_imports)] // as above
pub(crate) use string_enum;

/// The `Deserialize` of an integer enum: a known value (`known`) or the fallback (`unknown`).
pub fn deserialize_integer_enum<'de, T, D: Deserializer<'de>>(
    deserializer: D,
    known: fn(i64) -> Option<T>,
    unknown: fn(i64) -> T,
) -> Result<T, D::Error> {
    deserializer.deserialize_i64(IntegerEnumVisitor { known, unknown })
}

struct IntegerEnumVisitor<T> {
    known: fn(i64) -> Option<T>,
    unknown: fn(i64) -> T,
}

impl<T> Visitor<'_> for IntegerEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<T, E> {
        Ok((self.known)(value).unwrap_or_else(|| (self.unknown)(value)))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<T, E> {
        match i64::try_from(value) {
            Ok(value) => self.visit_i64(value),
            Err(_) => Err(E::invalid_value(
                serde::de::Unexpected::Unsigned(value),
                &self,
            )),
        }
    }
}

/// `Serialize` and `Deserialize` for an integer enum, from its values and its fallback variant,
/// which holds any other integer:
///
/// ```text
/// integer_enum! {
///     Priority {
///         1 => Low,
///         2 => High,
///         _ => UnknownValue,
///     }
/// }
/// ```
#[allow(unused_macros)] // a crate whose schemas have no integer enum does not use it
macro_rules! integer_enum {
    ($name:ident { $($wire:literal => $variant:ident,)* _ => $fallback:ident $(,)? }) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(match self {
                    $(Self::$variant => $wire,)*
                    Self::$fallback(value) => *value,
                })
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::runtime::wire::deserialize_integer_enum(
                    deserializer,
                    |value| match value {
                        $($wire => Some(Self::$variant),)*
                        _ => None,
                    },
                    Self::$fallback,
                )
            }
        }
    };
}
#[allow(unused_imports)] // as above
pub(crate) use integer_enum;
