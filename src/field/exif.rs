//! What a photo says about itself: its image format by content (never by
//! name), and the EXIF 拍摄时间 and GPS position read with the
//! kamadak-exif crate. Damaged or hostile EXIF is no error: the photo is
//! then one without EXIF. [`with_exif`] writes a minimal EXIF segment
//! into a JPEG, for the demo's generated photos and for tests.

pub use crate::event::field::{ImageFormat, PhotoFacts};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

impl ImageFormat {
    /// The format of `head` (the file's first bytes), if it is an image
    /// format we take.
    pub fn sniff(head: &[u8]) -> Option<ImageFormat> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(ImageFormat::Jpeg);
        }
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(ImageFormat::Png);
        }
        if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            return Some(ImageFormat::Webp);
        }
        if head.len() >= 12 && &head[4..8] == b"ftyp" {
            let brand = &head[8..12];
            if [
                b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1",
            ]
            .iter()
            .any(|b| brand == *b)
            {
                return Some(ImageFormat::Heic);
            }
        }
        None
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Heic => "image/heic",
            ImageFormat::Webp => "image/webp",
        }
    }
}

/// Reads the EXIF of a photo's bytes; never fails (unreadable EXIF is no
/// EXIF). `zone` is the offset assumed when the photo gives none.
pub fn read(bytes: &[u8], zone: FixedOffset) -> PhotoFacts {
    let mut cursor = std::io::Cursor::new(bytes);
    let Ok(exif) = exif::Reader::new().read_from_container(&mut cursor) else {
        return PhotoFacts::default();
    };
    PhotoFacts {
        taken: taken(&exif, zone),
        gps: gps(&exif),
        has_exif: true,
    }
}

fn ascii(exif: &exif::Exif, tag: exif::Tag) -> Option<Vec<u8>> {
    match &exif.get_field(tag, exif::In::PRIMARY)?.value {
        exif::Value::Ascii(v) => v.first().cloned(),
        _ => None,
    }
}

fn taken(exif: &exif::Exif, zone: FixedOffset) -> Option<String> {
    let raw =
        ascii(exif, exif::Tag::DateTimeOriginal).or_else(|| ascii(exif, exif::Tag::DateTime))?;
    let mut dt = exif::DateTime::from_ascii(&raw).ok()?;
    if let Some(off) = ascii(exif, exif::Tag::OffsetTimeOriginal) {
        let _ = dt.parse_offset(&off);
    }
    let date = NaiveDate::from_ymd_opt(dt.year.into(), dt.month.into(), dt.day.into())?;
    let naive: NaiveDateTime =
        date.and_hms_opt(dt.hour.into(), dt.minute.into(), dt.second.into())?;
    let offset = match dt.offset {
        Some(m) => FixedOffset::east_opt(i32::from(m) * 60)?,
        None => zone,
    };
    Some(offset.from_local_datetime(&naive).single()?.to_rfc3339())
}

fn degrees(exif: &exif::Exif, tag: exif::Tag, negative_ref: exif::Tag, neg: u8) -> Option<f64> {
    let exif::Value::Rational(parts) = &exif.get_field(tag, exif::In::PRIMARY)?.value else {
        return None;
    };
    let part = |i: usize| parts.get(i).filter(|r| r.denom != 0).map(|r| r.to_f64());
    let value = part(0)? + part(1).unwrap_or(0.0) / 60.0 + part(2).unwrap_or(0.0) / 3600.0;
    let sign = match ascii(exif, negative_ref) {
        Some(r) if r.first() == Some(&neg) => -1.0,
        _ => 1.0,
    };
    Some(sign * value).filter(|v| v.is_finite())
}

fn gps(exif: &exif::Exif) -> Option<(f64, f64)> {
    let lat = degrees(
        exif,
        exif::Tag::GPSLatitude,
        exif::Tag::GPSLatitudeRef,
        b'S',
    )?;
    let lon = degrees(
        exif,
        exif::Tag::GPSLongitude,
        exif::Tag::GPSLongitudeRef,
        b'W',
    )?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// Great-circle distance in metres between two WGS-84 positions.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().min(1.0).asin()
}

fn rational(x: f64) -> [exif::Rational; 3] {
    let x = x.abs();
    let d = x.trunc();
    let m = ((x - d) * 60.0).trunc();
    let s = ((x - d) * 60.0 - m) * 60.0;
    [
        exif::Rational {
            num: d as u32,
            denom: 1,
        },
        exif::Rational {
            num: m as u32,
            denom: 1,
        },
        exif::Rational {
            num: (s * 1000.0).round() as u32,
            denom: 1000,
        },
    ]
}

/// `jpeg` with an EXIF APP1 segment giving `taken` (local time, written
/// as `YYYY:MM:DD HH:MM:SS`) and `gps`, inserted after its SOI marker.
/// A buffer that is not a JPEG is returned unchanged.
pub fn with_exif(jpeg: &[u8], taken: Option<NaiveDateTime>, gps: Option<(f64, f64)>) -> Vec<u8> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return jpeg.to_vec();
    }
    let field = |tag, value| exif::Field {
        tag,
        ifd_num: exif::In::PRIMARY,
        value,
    };
    let mut fields = vec![field(
        exif::Tag::Make,
        exif::Value::Ascii(vec![b"kaoping".to_vec()]),
    )];
    if let Some(t) = taken {
        let text = t.format("%Y:%m:%d %H:%M:%S").to_string().into_bytes();
        fields.push(field(
            exif::Tag::DateTimeOriginal,
            exif::Value::Ascii(vec![text]),
        ));
    }
    if let Some((lat, lon)) = gps {
        let r = |neg: bool, a: &[u8], b: &[u8]| {
            exif::Value::Ascii(vec![if neg { b.to_vec() } else { a.to_vec() }])
        };
        fields.push(field(exif::Tag::GPSLatitudeRef, r(lat < 0.0, b"N", b"S")));
        fields.push(field(
            exif::Tag::GPSLatitude,
            exif::Value::Rational(rational(lat).to_vec()),
        ));
        fields.push(field(exif::Tag::GPSLongitudeRef, r(lon < 0.0, b"E", b"W")));
        fields.push(field(
            exif::Tag::GPSLongitude,
            exif::Value::Rational(rational(lon).to_vec()),
        ));
    }
    let mut w = exif::experimental::Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    if w.write(&mut tiff, false).is_err() {
        return jpeg.to_vec();
    }
    let tiff = tiff.into_inner();
    let len = (tiff.len() + 8) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + tiff.len() + 10);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A small generated JPEG photo (a coloured gradient with a band whose
/// place depends on `seed`), `w`×`h` pixels, without EXIF.
pub fn sample_jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut px = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let band = (x + seed * 37) % w < w / 6;
            px.extend_from_slice(&[
                (x * 255 / w.max(1)) as u8,
                if band {
                    230
                } else {
                    (y * 200 / h.max(1)) as u8
                },
                ((seed * 53) % 255) as u8,
            ]);
        }
    }
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    let _ = image::ImageEncoder::write_image(enc, &px, w, h, image::ExtendedColorType::Rgb8);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_exif_reads_back() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap();
        let jpg = with_exif(&sample_jpeg(64, 48, 1), Some(t), Some((25.0431, 102.7062)));
        assert_eq!(ImageFormat::sniff(&jpg), Some(ImageFormat::Jpeg));
        let zone = FixedOffset::east_opt(8 * 3600).unwrap();
        let f = read(&jpg, zone);
        assert!(f.has_exif);
        assert_eq!(f.taken.as_deref(), Some("2026-11-20T10:30:00+08:00"));
        let (lat, lon) = f.gps.unwrap();
        assert!(
            (lat - 25.0431).abs() < 1e-5 && (lon - 102.7062).abs() < 1e-5,
            "{lat} {lon}"
        );
        assert_eq!(read(&sample_jpeg(8, 8, 2), zone), PhotoFacts::default());
    }

    #[test]
    fn truncated_and_garbage_exif_is_no_exif() {
        let t = NaiveDate::from_ymd_opt(2026, 1, 2)
            .unwrap()
            .and_hms_opt(3, 4, 5)
            .unwrap();
        let jpg = with_exif(&sample_jpeg(16, 16, 3), Some(t), Some((1.0, 2.0)));
        let zone = FixedOffset::east_opt(0).unwrap();
        for cut in 0..jpg.len().min(400) {
            let _ = read(&jpg[..cut], zone);
            let mut bad = jpg.clone();
            bad[cut] ^= 0xA5;
            let _ = read(&bad, zone);
        }
        assert!(distance_m((25.0, 102.0), (25.0, 102.01)) > 900.0);
    }
}
