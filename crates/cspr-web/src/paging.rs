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

#[cfg(test)]
mod tests {
    use super::*;

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
