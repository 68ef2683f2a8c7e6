//! Reading a log line into a [`Record`] in one pass.
//!
//! A record's envelope (`seq`, `prev`, `time`, `account`) and its event's
//! `kind` and `data` share one JSON object. serde's `#[serde(flatten)]`
//! reads such an object by first copying every value of the line into a
//! generic buffer and then reading the event out of that buffer again;
//! for the log, read whole by every command, that copy was most of the
//! time spent (the records of an assessment sheet are large). This reader
//! takes the envelope's fields as they come and hands `data` straight to
//! the event's own reader once `kind` has named it. Writing is unchanged
//! (the derive writes `kind` before `data`, which is what lets this read
//! in one pass); a line whose `data` stands before its `kind` was not
//! written by kaoping and is refused (its hash would not match the chain
//! either).
//!
//! Written by hand because serde offers no streaming form of `flatten`.

use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{Event, Record};

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RecordVisitor)
    }
}

struct RecordVisitor;

/// The keys of a line; any other is passed over.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Seq,
    Prev,
    Time,
    Account,
    Kind,
    Data,
    #[serde(other)]
    Other,
}

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("一条日志记录（含 seq、prev、time、kind、data）")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let mut seq = None;
        let mut prev = None;
        let mut time = None;
        let mut account = None;
        let mut kind: Option<String> = None;
        let mut event = None;
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Seq => seq = Some(map.next_value()?),
                Field::Prev => prev = Some(map.next_value()?),
                Field::Time => time = Some(map.next_value()?),
                Field::Account => account = map.next_value()?,
                Field::Kind => kind = Some(map.next_value()?),
                Field::Data => {
                    let Some(name) = kind.take() else {
                        return Err(de::Error::custom(
                            "data 写在了 kind 之前（不是 kaoping 写入的记录）",
                        ));
                    };
                    event = Some(map.next_value_seed(EventSeed(name))?);
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event = match (event, kind) {
            (Some(event), _) => event,
            // A kind with no data (a variant that carries nothing).
            (None, Some(name)) => Event::deserialize(Adjacent {
                kind: name,
                data: None::<de::value::UnitDeserializer<AdjacentError>>,
            })
            .map_err(de::Error::custom)?,
            (None, None) => return Err(de::Error::missing_field("kind")),
        };
        Ok(Record {
            seq: seq.ok_or_else(|| de::Error::missing_field("seq"))?,
            prev: prev.ok_or_else(|| de::Error::missing_field("prev"))?,
            time: time.ok_or_else(|| de::Error::missing_field("time"))?,
            account,
            event,
        })
    }
}

/// Reads `data` as the event that `kind` (the `String`) names.
struct EventSeed(String);

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = Event;

    fn deserialize<D: Deserializer<'de>>(self, data: D) -> Result<Event, D::Error> {
        Event::deserialize(Adjacent {
            kind: self.0,
            data: Some(data),
        })
        .map_err(de::Error::custom)
    }
}

/// `{"kind": kind, "data": data}` as a deserializer, `data` being the
/// still unread value of the line: what the derived adjacently tagged
/// reader of [`Event`] expects.
struct Adjacent<D> {
    kind: String,
    data: Option<D>,
}

/// The error of [`Adjacent`]: a message, handed on to the line's reader.
#[derive(Debug)]
struct AdjacentError(String);

impl fmt::Display for AdjacentError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AdjacentError {}

impl de::Error for AdjacentError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        AdjacentError(msg.to_string())
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Adjacent<D> {
    type Error = AdjacentError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(AdjacentMap {
            kind: Some(self.kind),
            data: self.data,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct AdjacentMap<D> {
    kind: Option<String>,
    data: Option<D>,
}

impl<'de, D: Deserializer<'de>> MapAccess<'de> for AdjacentMap<D> {
    type Error = AdjacentError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let key = if self.kind.is_some() {
            "kind"
        } else if self.data.is_some() {
            "data"
        } else {
            return Ok(None);
        };
        seed.deserialize(StrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        if let Some(kind) = self.kind.take() {
            return seed.deserialize(de::value::StringDeserializer::new(kind));
        }
        match self.data.take() {
            Some(data) => seed.deserialize(data).map_err(de::Error::custom),
            None => Err(de::Error::custom("没有 data")),
        }
    }
}
