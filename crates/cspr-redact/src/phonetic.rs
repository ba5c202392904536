//! Near spellings: optimal string alignment distance and a Soundex code, both on names folded
//! to lower-case ASCII (Tomás and Tomas compare equal).

/// Lower-case ASCII letters of a name, with common Latin accents folded.
pub(crate) fn fold(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    if name.is_ascii() {
        out.extend(
            name.bytes()
                .filter(u8::is_ascii_alphabetic)
                .map(|b| b.to_ascii_lowercase()),
        );
        return out;
    }
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'a'..='z' => c,
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' | 'ă' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'ś' | 'š' | 'ș' | 'ş' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            'ț' | 'ţ' => 't',
            _ => continue,
        };
        out.push(folded as u8);
    }
    out
}

/// Edits (insert, delete, substitute, swap neighbours) from `a` to `b`, stopping early once the
/// answer is over `limit`.
pub(crate) fn distance(a: &[u8], b: &[u8], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    if limit <= 1 {
        // Most comparisons allow one edit: answered in one pass, without the table.
        return within_one(a, b).unwrap_or(limit + 1).min(limit + 1);
    }
    table_distance(a, b, limit)
}

/// 0 or 1 when `a` and `b` are equal or one edit apart (insert, delete, substitute, swap
/// neighbours); `None` otherwise.
fn within_one(a: &[u8], b: &[u8]) -> Option<usize> {
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == a.len() && p == b.len() {
        return Some(0);
    }
    let (ra, rb) = (&a[p..], &b[p..]);
    let one = match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => ra[1..] == *rb,
        std::cmp::Ordering::Less => *ra == rb[1..],
    };
    one.then_some(1)
}

fn table_distance(a: &[u8], b: &[u8], limit: usize) -> usize {
    // Names are short: rows live on the stack; longer words are cut (they are never names).
    const MAX: usize = 48;
    let a = &a[..a.len().min(MAX - 1)];
    let b = &b[..b.len().min(MAX - 1)];
    let n = b.len();
    let mut prev2 = [0usize; MAX];
    let mut prev = [0usize; MAX];
    for (j, p) in prev.iter_mut().enumerate().take(n + 1) {
        *p = j;
    }
    let mut cur = [0usize; MAX];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n]
}

/// American Soundex (letter, then three digits) of a folded name.
pub(crate) fn soundex(folded: &[u8]) -> [u8; 4] {
    fn code(c: u8) -> u8 {
        match c {
            b'b' | b'f' | b'p' | b'v' => b'1',
            b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
            b'd' | b't' => b'3',
            b'l' => b'4',
            b'm' | b'n' => b'5',
            b'r' => b'6',
            _ => b'0',
        }
    }
    let mut out = [b'0'; 4];
    let Some(&first) = folded.first() else {
        return out;
    };
    out[0] = first.to_ascii_uppercase();
    let mut last = code(first);
    let mut k = 1;
    for &c in &folded[1..] {
        let d = code(c);
        if d != b'0' && d != last {
            out[k] = d;
            k += 1;
            if k == 4 {
                break;
            }
        }
        // h and w do not separate letters with the same code; vowels do.
        if c != b'h' && c != b'w' {
            last = d;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance(b"gemma", b"gemme", 3), 1);
        assert_eq!(distance(b"summer", b"summmer", 3), 1);
        assert_eq!(distance(b"nadia", b"nadai", 3), 1);
        assert_eq!(distance(b"sky", b"skie", 3), 2);
        assert_eq!(distance(b"abcdefgh", b"zzzzzzzz", 2), 3);
    }

    /// The one-pass answer for one edit agrees with the table on every pair of short words
    /// over a small alphabet.
    #[test]
    fn one_edit_shortcut_agrees_with_the_table() {
        let words: Vec<Vec<u8>> = (0..4usize)
            .flat_map(|len| {
                (0..3usize.pow(u32::try_from(len).unwrap_or(0))).map(move |mut k| {
                    (0..len)
                        .map(|_| {
                            let c = b"abc"[k % 3];
                            k /= 3;
                            c
                        })
                        .collect()
                })
            })
            .collect();
        for a in &words {
            for b in &words {
                let table = table_distance(a, b, 1).min(2);
                assert_eq!(distance(a, b, 1), table, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn soundex_codes() {
        assert_eq!(&soundex(&fold("Robert")), b"R163");
        assert_eq!(&soundex(&fold("Rupert")), b"R163");
        assert_eq!(&soundex(&fold("Ashcraft")), b"A261");
        assert_eq!(soundex(&fold("Sky")), soundex(&fold("Skie")));
        assert_eq!(fold("Tomás"), b"tomas");
    }
}
