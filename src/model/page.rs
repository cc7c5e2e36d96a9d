//! One page of a keyset-paged list: every list in the app (leads, conversations, blocked
//! sends, privacy requests, the audit log) pages the same way, with the same page size.

use serde::{Deserialize, Serialize};

/// Rows per page, for every list.
pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// The cursor of the next page (`?cursor=`), when there is one.
    pub next_cursor: Option<String>,
}

/// A list's query: its filters and the cursor of the page shown (empty: the first).
pub trait ListQuery: Serialize {
    fn cursor(&self) -> &str;
}

/// The query of a list with no filters: only the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub cursor: String,
}

impl ListQuery for PageQuery {
    fn cursor(&self) -> &str {
        &self.cursor
    }
}

impl<T> Page<T> {
    /// What a query asks for: one row more than a page, which only says a next page exists.
    pub const FETCH: i64 = PAGE_SIZE + 1;

    /// Makes a page of `rows` fetched with `LIMIT Page::FETCH`: the extra row is cut off,
    /// and `cursor_of` makes the next page's cursor from the last row kept.
    pub fn cut(mut rows: Vec<T>, cursor_of: impl FnOnce(&T) -> String) -> Page<T> {
        let next_cursor = if rows.len() > PAGE_SIZE as usize {
            rows.truncate(PAGE_SIZE as usize);
            rows.last().map(cursor_of)
        } else {
            None
        };
        Page { rows, next_cursor }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(n: usize) -> Vec<usize> {
        (0..n).collect()
    }

    #[test]
    fn a_short_or_exactly_full_fetch_has_no_next_page() {
        for n in [0, 1, PAGE_SIZE as usize] {
            let page = Page::cut(fetched(n), |_| unreachable!("no next page"));
            assert_eq!(page.rows.len(), n);
            assert_eq!(page.next_cursor, None);
        }
    }

    #[test]
    fn the_extra_row_is_cut_and_the_cursor_is_the_last_row_kept() {
        let page = Page::cut(fetched(Page::<usize>::FETCH as usize), |last| {
            last.to_string()
        });
        assert_eq!(page.rows.len(), PAGE_SIZE as usize);
        assert_eq!(page.next_cursor.as_deref(), Some("49"));
    }

    #[test]
    fn map_keeps_the_cursor() {
        let page = Page::cut(fetched(60), |last| last.to_string()).map(|n| n * 2);
        assert_eq!(page.rows[1], 2);
        assert_eq!(page.next_cursor.as_deref(), Some("49"));
    }
}
