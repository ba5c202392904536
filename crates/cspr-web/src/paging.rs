//! Pages of a long list (GOV.UK pagination): which page is shown, the links to the others
//! (first, last and two either side, with gaps), previous and next. The list's own query
//! string is kept by the caller's `href`.

/// A page link: (number, href, current); `None` is a gap.
pub type PageLink = Option<(usize, String, bool)>;

/// The pagination of one list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pages {
    /// The page links; empty when everything fits on one page.
    pub links: Vec<PageLink>,
    /// The previous page's address, or "".
    pub prev: String,
    /// The next page's address, or "".
    pub next: String,
}

/// How many pages `total` items make at `size` a page (at least one).
#[must_use]
pub fn count(total: usize, size: usize) -> usize {
    total.div_ceil(size.max(1)).max(1)
}

/// The page asked for, kept within the pages there are.
#[must_use]
pub fn current(asked: Option<usize>, total: usize, size: usize) -> usize {
    asked.unwrap_or(1).clamp(1, count(total, size))
}

/// The pagination of page `current` of `total` items at `size` a page.
pub fn pages(total: usize, size: usize, current: usize, href: impl Fn(usize) -> String) -> Pages {
    let n = count(total, size);
    if n <= 1 {
        return Pages::default();
    }
    let mut links = Vec::new();
    let mut shown = 0;
    for page in 1..=n {
        if page == 1 || page == n || page.abs_diff(current) <= 2 {
            if shown + 1 < page {
                links.push(None);
            }
            links.push(Some((page, href(page), page == current)));
            shown = page;
        }
    }
    Pages {
        links,
        prev: if current > 1 {
            href(current - 1)
        } else {
            String::new()
        },
        next: if current < n {
            href(current + 1)
        } else {
            String::new()
        },
    }
}

/// The items on page `page` (from 1) at `size` a page, in the order `cmp` gives, items that
/// compare equal keeping the order they came in: what sorting them all and taking the page
/// gives, but only the items up to the page's end are sorted; the rest are set apart in linear
/// time (the dashboard orders hundreds of cases and tasks to show 25; issue 20).
pub fn page_sorted_by<T>(
    items: Vec<T>,
    page: usize,
    size: usize,
    mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    let end = page.saturating_mul(size).min(items.len());
    let start = page.saturating_sub(1).saturating_mul(size).min(end);
    if end == 0 {
        return Vec::new();
    }
    let mut indexed: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    // The index breaks ties, so the order is total and an unstable sort keeps the stable one's.
    let mut by = |a: &(usize, T), b: &(usize, T)| cmp(&a.1, &b.1).then(a.0.cmp(&b.0));
    if end < indexed.len() {
        indexed.select_nth_unstable_by(end - 1, &mut by);
        indexed.truncate(end);
    }
    indexed.sort_unstable_by(&mut by);
    indexed.into_iter().skip(start).map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        // The page is the one a full stable sort gives, for any items (with many ties), page
        // and page size, pages past the end included.
        #[test]
        fn a_page_sorted_alone_is_the_page_of_the_whole_sort(
            items in proptest::collection::vec((0u8..6, 0u16..1000), 0..120),
            page in 1usize..8,
            size in 1usize..30,
        ) {
            let by_key = |a: &(u8, u16), b: &(u8, u16)| a.0.cmp(&b.0);
            let mut whole = items.clone();
            whole.sort_by(by_key);
            let expected: Vec<(u8, u16)> =
                whole.into_iter().skip((page - 1) * size).take(size).collect();
            proptest::prop_assert_eq!(page_sorted_by(items, page, size, by_key), expected);
        }
    }

    #[test]
    fn pages_show_the_ends_and_two_either_side() {
        let p = pages(1000, 25, 20, |n| format!("?page={n}"));
        let numbers: Vec<Option<usize>> = p.links.iter().map(|l| l.as_ref().map(|x| x.0)).collect();
        assert_eq!(
            numbers,
            [
                Some(1),
                None,
                Some(18),
                Some(19),
                Some(20),
                Some(21),
                Some(22),
                None,
                Some(40)
            ]
        );
        assert_eq!(p.prev, "?page=19");
        assert_eq!(p.next, "?page=21");
        assert!(pages(25, 25, 1, |n| n.to_string()).links.is_empty());
        assert_eq!(current(Some(99), 1000, 25), 40);
        assert_eq!(current(Some(0), 1000, 25), 1);
    }
}
