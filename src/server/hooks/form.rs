//! A strict `application/x-www-form-urlencoded` reader: invalid UTF-8 or percent-encoding
//! is an error rather than silently replaced characters.

pub fn parse(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "The body is not UTF-8.".to_string())?;
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3).ok_or("A %-escape is cut short.")?;
                out.push(
                    u8::from_str_radix(hex, 16).map_err(|_| "A %-escape is not hexadecimal.")?,
                );
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    if out.contains(&0) {
        return Err("A field contains a NUL character.".into());
    }
    String::from_utf8(out).map_err(|_| "A field is not UTF-8.".to_string())
}

pub fn get<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pluses_and_escapes() {
        let fields = parse(b"Body=Hello+there%21&From=%2B14155550100&Empty=").unwrap();
        assert_eq!(get(&fields, "Body"), Some("Hello there!"));
        assert_eq!(get(&fields, "From"), Some("+14155550100"));
        assert_eq!(get(&fields, "Empty"), Some(""));
    }

    #[test]
    fn refuses_invalid_utf8_raw_or_escaped() {
        assert!(parse(b"Body=\xff").is_err());
        assert!(parse(b"Body=%FF").is_err());
        assert!(parse(b"Body=%F").is_err());
        assert!(parse(b"Body=%zz").is_err());
    }

    #[test]
    fn refuses_nul_characters_which_no_text_column_can_hold() {
        assert!(parse(b"Body=a%00b").is_err());
        assert!(parse(b"Body=a\x00b").is_err());
    }
}
