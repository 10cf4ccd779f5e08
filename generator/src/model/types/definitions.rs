//! The types the rest of the generator reads off the [`TypeSpace`]: Rust type expressions
//! ([`Ty`]), the named types ([`TypeDef`]) and their parts.

#[cfg(doc)]
use super::TypeSpace;

/// Index of a [`TypeDef`] in the [`TypeSpace`].
pub type TypeId = usize;

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    /// A `type: number` whose witnesses are all integral (see [`crate::model::numbers`]): an
    /// `i64` for the user, which the runtime decodes leniently from any whole JSON number
    /// (`100`, `100.0`, `1e2`; `100.5` is an error). The plan marks the fields holding one.
    IntegralNumber,
    Uuid,
    DateTime,
    Date,
    /// Any JSON value.
    Json,
    /// Any JSON object.
    JsonObject,
    Vec(Box<Ty>),
    /// An object whose values all have one type.
    Map(Box<Ty>),
    /// A value that may be `null`, inside an array or a map (fields say it with
    /// [`Field::optional`]).
    Option(Box<Ty>),
    Named(TypeId),
    /// A file in a multipart body (`runtime::Upload`).
    Upload,
    /// Raw bytes (`Vec<u8>`).
    Bytes,
    /// A JSON array of fixed length whose items have types of their own (`prefixItems`).
    Tuple(Vec<Ty>),
    /// A Rust type the maintainer's configuration puts in place of a schema's
    /// (`[types.overrides]`), as written there (`serde_json::Value`).
    Path(String),
}

impl Ty {
    /// The types this one is made of: an array's item, a map's value, a tuple's items.
    pub fn parts(&self) -> &[Ty] {
        match self {
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => std::slice::from_ref(inner),
            Ty::Tuple(items) => items,
            _ => &[],
        }
    }

    /// This type and every type it is made of, outermost first.
    pub fn walk(&self) -> impl Iterator<Item = &Ty> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let ty = stack.pop()?;
            stack.extend(ty.parts().iter().rev());
            Some(ty)
        })
    }

    /// This type with every [`Ty::IntegralNumber`] in it as `f64`, for the places serde
    /// decodes with no way to ask for the runtime's lenient decoding: untagged union variants,
    /// tuple items and whole response bodies (a bare number, or a list or map of them, as a
    /// body is rare). Named types decode their own fields, and are kept.
    pub fn integral_as_f64(self) -> Ty {
        match self {
            Ty::IntegralNumber => Ty::F64,
            Ty::Vec(inner) => Ty::Vec(Box::new(inner.integral_as_f64())),
            Ty::Map(inner) => Ty::Map(Box::new(inner.integral_as_f64())),
            Ty::Option(inner) => Ty::Option(Box::new(inner.integral_as_f64())),
            Ty::Tuple(items) => Ty::Tuple(items.into_iter().map(Ty::integral_as_f64).collect()),
            other => other,
        }
    }

    /// Whether the type expression holds a [`Ty::IntegralNumber`] (not counting named types,
    /// which decode their own fields).
    pub fn holds_integral(&self) -> bool {
        self.walk().any(|ty| matches!(ty, Ty::IntegralNumber))
    }

    /// The named types this type expression mentions, in order.
    pub fn named(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.walk().filter_map(|ty| match ty {
            Ty::Named(id) => Some(*id),
            _ => None,
        })
    }
}

/// A schema mapped to Rust: the type, whether `null` is allowed, and the schema's own doc.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub ty: Ty,
    pub nullable: bool,
    pub doc: Option<String>,
}

impl Typed {
    /// The type of an array item or map value: `Option` when it may be `null`.
    pub(super) fn in_container(self) -> Ty {
        match self.ty {
            Ty::Json => Ty::Json,
            ty if self.nullable => Ty::Option(Box::new(ty)),
            ty => ty,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Struct(Struct),
    /// A string enum, or an integer enum whose values have names or docs; unknown values
    /// decode into a fallback variant.
    Enum {
        variants: Vec<EnumVariant>,
        fallback: String,
    },
    /// `oneOf`/`anyOf`. With a tag, the tag property picks the variant (an unknown tag
    /// decodes into a fallback variant holding the JSON value); without one, the first variant
    /// that decodes wins, so variants are ordered from the most to the least specific.
    Union {
        variants: Vec<UnionVariant>,
        tag: Option<Tag>,
    },
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub property: String,
    /// Tag value → variant name.
    pub values: Vec<(String, String)>,
    /// The variant holding values with an unknown (or absent) tag: a variant of its own
    /// holding the JSON value, or the branch the discriminator's `defaultMapping` names.
    pub fallback: Fallback,
}

/// Where a tagged union puts a value whose tag names no variant.
#[derive(Debug, Clone)]
pub enum Fallback {
    /// A variant of this name holding the JSON value.
    Unknown(String),
    /// The variant of the `defaultMapping` branch.
    Default(String),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Type of properties not named in `fields` (`additionalProperties` next to `properties`).
    pub additional: Option<Ty>,
    /// The field that collects them.
    pub additional_name: String,
    /// The struct has a `Default` (see [`TypeSpace::mark_defaults`]), and a required field of
    /// this type tolerates absence.
    pub defaultable: bool,
    /// Users build values of it: it is reached from an operation's parameters or body.
    pub input: bool,
    /// A required field left out by the server decodes as its empty value. Not for the
    /// variants of untagged unions, where a missing field is what rules a variant out.
    pub lenient: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub json_name: String,
    pub ty: Ty,
    /// Absent or `null` is allowed: the field is an `Option`.
    pub optional: bool,
    /// Not required: omitted when `None` on serialization.
    pub omit_if_none: bool,
    /// The field's type contains the struct itself by value.
    pub boxed: bool,
    pub doc: Option<String>,
    /// The spec marks the property `deprecated`.
    pub deprecated: bool,
    /// The value the server assumes when the property is absent (`default`).
    pub default: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub value: EnumValue,
    /// The value's own doc (`x-enum-descriptions`, or 3.1's `oneOf` of documented `const`s).
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub name: String,
    pub ty: Ty,
    pub boxed: bool,
}

/// The value of an enum variant on the wire; every variant of one enum has the same kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumValue {
    String(String),
    Integer(i64),
}

impl EnumVariant {
    /// Whether the enum of these variants is an integer enum.
    pub fn integers(variants: &[EnumVariant]) -> bool {
        matches!(
            variants.first().map(|v| &v.value),
            Some(EnumValue::Integer(_))
        )
    }
}
