//! Walking paged list operations: [`Pages`] fetches one page after another, [`Items`] yields
//! their items one by one. Both are `futures_core::Stream`s, and have `next_page`/`next_item`
//! for callers who do not use streams; awaited (`IntoFuture`), either walks to the end and
//! returns every page or item; with the `blocking` feature, `blocking()` turns either into an
//! `Iterator` for programs without an async runtime.
//!
//! The walk ends at the last page the server announces (its total count or total pages), on an
//! empty page, on a page shorter than the page size when no total is announced, on a page equal to
//! the previous one (a server ignoring the page number), after as many pages as the announced
//! total allows, and after an error (a total of 0 next to items counts as no total). Only a
//! server that keeps sending new items and no total can make the walk go on.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{CallFuture, Client, Error};

/// A page being fetched: it owns what it needs (the call of the list operation).
pub type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;

/// What a walk calls to fetch a page: given the walk's client and the page's number.
type Fetch<T> = Box<dyn FnMut(&Client, u64) -> PageFuture<T> + Send>;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's number, as sent in the request.
    pub number: u64,
    /// The page's items.
    pub items: Vec<T>,
    /// How many items the whole list holds, when the server says.
    pub total_count: Option<u64>,
    /// How many pages the whole list holds, when the server says.
    pub total_pages: Option<u64>,
    /// How many items a page holds, when the server says.
    pub per_page: Option<u64>,
}

impl<T> Page<T> {
    /// A page as the server described it; `number` is filled in by [`Pages`].
    pub fn new(
        items: Vec<T>,
        total_count: Option<u64>,
        total_pages: Option<u64>,
        per_page: Option<u64>,
    ) -> Self {
        Self {
            number: 0,
            items,
            total_count,
            total_pages,
            per_page,
        }
    }
}

/// A number in a request or a response that counts pages or items (`page_no`, `total_count`),
/// whatever integer or floating-point type the spec gave it.
pub trait Count: Copy {
    /// The value as a count; `None` when negative or not a whole number.
    fn to_count(self) -> Option<u64>;
    /// A count as this type; `None` when it does not fit.
    fn from_count(count: u64) -> Option<Self>;
}

macro_rules! int_count {
    ($($ty:ty),*) => {$(
        impl Count for $ty {
            fn to_count(self) -> Option<u64> {
                u64::try_from(self).ok()
            }
            fn from_count(count: u64) -> Option<Self> {
                Self::try_from(count).ok()
            }
        }
    )*};
}
int_count!(i32, i64, u32, u64);

macro_rules! float_count {
    ($($ty:ty: $exact:expr),*) => {$(
        impl Count for $ty {
            fn to_count(self) -> Option<u64> {
                // Whole, non-negative and exactly representable.
                (self.fract() == 0.0 && (0.0..$exact as $ty).contains(&self))
                    .then_some(self as u64)
            }
            fn from_count(count: u64) -> Option<Self> {
                (count < $exact).then_some(count as $ty)
            }
        }
    )*};
}
float_count!(f32: 1_u64 << f32::MANTISSA_DIGITS, f64: 1_u64 << f64::MANTISSA_DIGITS);

/// A page number as the type of the request's `parameter`; an error when it does not fit.
pub fn page_number<N: Count>(page: u64, parameter: &str) -> Result<N, Error> {
    N::from_count(page).ok_or_else(|| {
        Error::invalid_request(format!(
            "page number {page} does not fit the `{parameter}` parameter"
        ))
    })
}

/// The pages of a list, fetched one at a time from the caller's page (or the first).
///
/// Returned by the `<operation>_pages` methods. Use [`Pages::next_page`], the `Stream`
/// implementation, or [`Pages::items`] for the items alone; awaited, the walk runs to its end
/// and returns every page (`Vec<Page<T>>`). Nothing is fetched before one of these. After an
/// error the walk ends.
///
/// A walk owns what it needs (a clone of the [`Client`] and the request), so it is `'static`,
/// and `Send` when the items are: it can be returned, stored, or driven in a task of its own
/// (`tokio::spawn`).
///
// `Pages::blocking` exists only with the feature, and so can only be linked to with it.
#[cfg_attr(
    feature = "blocking",
    doc = "With the `blocking` feature, [`Pages::blocking`] and [`Items::blocking`] walk the list as an `Iterator`, without an async runtime."
)]
#[cfg_attr(
    not(feature = "blocking"),
    doc = "With the `blocking` feature, `Pages::blocking` and `Items::blocking` walk the list as an `Iterator`, without an async runtime."
)]
#[must_use = "pages are fetched only when asked for"]
pub struct Pages<T> {
    /// The client that fetches the pages (and whose runtime the blocking iterators run on).
    client: Client,
    fetch: Fetch<T>,
    /// The number of the next page to fetch.
    next: u64,
    /// The page size the caller asked for.
    per_page: Option<u64>,
    /// Pages and items received so far, and items before the first page (known once the
    /// first page has come, if its number and the page size say).
    pages: u64,
    items: u64,
    skipped: Option<u64>,
    /// The previous page's items, to notice a server that ignores the page number.
    previous: Option<Vec<T>>,
    in_flight: Option<PageFuture<T>>,
    done: bool,
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("client", &self.client)
            .field("next", &self.next)
            .field("per_page", &self.per_page)
            .field("pages", &self.pages)
            .field("items", &self.items)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T: PartialEq + Clone + Send + 'static> Pages<T> {
    /// Pages of a list of `client`'s (which it clones: a clone shares the configuration and
    /// connection pool), from `start` (page 1 when `None`; page numbers count from 1) with
    /// `per_page` items each when the caller set it; `fetch` requests the page with the given
    /// number with the client it is given.
    pub fn new(
        client: &Client,
        start: Option<u64>,
        per_page: Option<u64>,
        fetch: impl FnMut(&Client, u64) -> PageFuture<T> + Send + 'static,
    ) -> Self {
        Self {
            client: client.clone(),
            fetch: Box::new(fetch),
            next: start.unwrap_or(1).max(1),
            per_page: per_page.filter(|size| *size > 0),
            pages: 0,
            items: 0,
            skipped: None,
            previous: None,
            in_flight: None,
            done: false,
        }
    }

    /// The next page, or `None` when the list is exhausted.
    pub async fn next_page(&mut self) -> Result<Option<Page<T>>, Error> {
        std::future::poll_fn(|cx| self.poll_page(cx))
            .await
            .transpose()
    }

    /// The items of every remaining page, one at a time.
    pub fn items(self) -> Items<T> {
        Items {
            pages: self,
            buffer: Vec::new().into_iter(),
        }
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Page<T>, Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let number = self.next;
        let future = self
            .in_flight
            .get_or_insert_with(|| (self.fetch)(&self.client, number));
        let result = match future.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.in_flight = None;
        let mut page = match result {
            Ok(page) => page,
            Err(error) => {
                self.done = true;
                return Poll::Ready(Some(Err(error)));
            }
        };
        page.number = number;
        Poll::Ready(self.accept(page))
    }

    /// Decides whether `page` is yielded and whether another one follows.
    fn accept(&mut self, page: Page<T>) -> Option<Result<Page<T>, Error>> {
        self.done = true;
        if page.items.is_empty() || self.previous.as_ref() == Some(&page.items) {
            return None;
        }
        self.pages += 1;
        self.items += page.items.len() as u64;
        // The server's page size when it says (it may cap the caller's), else the caller's.
        let size = page.per_page.filter(|size| *size > 0).or(self.per_page);
        if self.pages == 1 {
            self.skipped = match page.number {
                1 => Some(0),
                number => size.and_then(|size| (number - 1).checked_mul(size)),
            };
        }
        // A total of 0 next to items is no total: a server (or lenient decoding) left it out.
        let total_count = page.total_count.filter(|total| *total > 0);
        let total_pages = page.total_pages.filter(|total| *total > 0);
        let last_by_pages = total_pages.is_some_and(|total| page.number >= total);
        let last_by_count = total_count
            .zip(self.skipped)
            .is_some_and(|(total, skipped)| skipped.saturating_add(self.items) >= total);
        // Without a total, a short page is the last one. With one, the total decides: a server
        // that caps the page size below the caller's would otherwise end the walk early.
        let unannounced = total_count.is_none() && total_pages.is_none();
        let short = unannounced && size.is_some_and(|size| (page.items.len() as u64) < size);
        // Each page holds at least one item, so a list of `total_count` items (or
        // `total_pages` pages) cannot take more pages than that.
        let cap = [total_pages, total_count].into_iter().flatten().min();
        let capped = cap.is_some_and(|cap| self.pages >= cap);
        match self.next.checked_add(1) {
            Some(next) if !(last_by_pages || last_by_count || short || capped) => {
                self.next = next;
                self.done = false;
            }
            _ => {}
        }
        if !self.done {
            self.previous = Some(page.items.clone());
        }
        Some(Ok(page))
    }
}

// Nothing is pinned in place: items are only moved around in `Vec`s.
impl<T> Unpin for Pages<T> {}
impl<T> Unpin for Items<T> {}

/// Awaiting a walk fetches every remaining page: the first error ends it.
impl<T: PartialEq + Clone + Send + 'static> IntoFuture for Pages<T> {
    type Output = Result<Vec<Page<T>>, Error>;
    type IntoFuture = CallFuture<Vec<Page<T>>>;

    fn into_future(mut self) -> CallFuture<Vec<Page<T>>> {
        CallFuture::new(async move {
            let mut all = Vec::new();
            while let Some(page) = self.next_page().await? {
                all.push(page);
            }
            Ok(all)
        })
    }
}

impl<T: PartialEq + Clone + Send + 'static> futures_core::Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// The items of a paged list, one at a time, fetching pages as needed (see [`Pages`]); awaited
/// (or [`Items::collect`]ed), every remaining item. Like [`Pages`], `'static`, and `Send` when
/// the items are.
#[must_use = "items are fetched only when asked for"]
pub struct Items<T> {
    pages: Pages<T>,
    buffer: std::vec::IntoIter<T>,
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T: PartialEq + Clone + Send + 'static> Items<T> {
    /// The next item, or `None` when the list is exhausted.
    pub async fn next_item(&mut self) -> Result<Option<T>, Error> {
        std::future::poll_fn(|cx| self.poll_item(cx))
            .await
            .transpose()
    }

    /// Every remaining item, in order.
    pub async fn collect(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next_item().await? {
            all.push(item);
        }
        Ok(all)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => self.buffer = page.items.into_iter(),
            }
        }
    }
}

/// Awaiting the items fetches every remaining one, as [`Items::collect`] does.
impl<T: PartialEq + Clone + Send + 'static> IntoFuture for Items<T> {
    type Output = Result<Vec<T>, Error>;
    type IntoFuture = CallFuture<Vec<T>>;

    fn into_future(self) -> CallFuture<Vec<T>> {
        CallFuture::new(self.collect())
    }
}

impl<T: PartialEq + Clone + Send + 'static> futures_core::Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(feature = "blocking")]
pub use blocking::{BlockingItems, BlockingPages};

#[cfg(feature = "blocking")]
mod blocking {
    use std::iter::FusedIterator;

    use super::{Error, Items, Page, Pages};

    /// What to use inside an async runtime, where the blocking iterators refuse to run.
    const INSTEAD: &str = "`.await` `next_page()`/`next_item()` or use the `Stream` instead";

    impl<T: PartialEq + Clone + Send + 'static> Pages<T> {
        /// The pages as an `Iterator`, for programs without an async runtime (feature
        /// `blocking`): each `next()` fetches a page on the runtime owned by the client, as
        /// [`Call::send_blocking`](super::super::Call::send_blocking) does. The walk ends
        /// where [`Pages::next_page`] would; used inside an async runtime, the first `next()`
        /// is an [`Error::InvalidRequest`] (and the last) instead of blocking it.
        pub fn blocking(self) -> BlockingPages<T> {
            BlockingPages(self)
        }
    }

    impl<T: PartialEq + Clone + Send + 'static> Items<T> {
        /// The items as an `Iterator`, fetching pages as needed on the runtime owned by the
        /// client (feature `blocking`; see [`Pages::blocking`]).
        /// `.collect::<Result<Vec<_>, _>>()` gathers them all.
        pub fn blocking(self) -> BlockingItems<T> {
            BlockingItems(self)
        }
    }

    /// The pages of a paged list as an `Iterator`: from [`Pages::blocking`].
    #[must_use = "pages are fetched only when asked for"]
    #[derive(Debug)]
    pub struct BlockingPages<T>(Pages<T>);

    impl<T: PartialEq + Clone + Send + 'static> Iterator for BlockingPages<T> {
        type Item = Result<Page<T>, Error>;

        fn next(&mut self) -> Option<Self::Item> {
            let pages = &mut self.0;
            if pages.done {
                return None;
            }
            // A handle of its own: fetching borrows the walk.
            let client = pages.client.clone();
            let runtime = client.blocking_runtime();
            match runtime.block_on(pages.next_page(), "Pages::blocking", INSTEAD) {
                Ok(page) => page.transpose(),
                Err(error) => {
                    pages.done = true;
                    Some(Err(error))
                }
            }
        }
    }

    impl<T: PartialEq + Clone + Send + 'static> FusedIterator for BlockingPages<T> {}

    /// The items of a paged list as an `Iterator`: from [`Items::blocking`].
    #[must_use = "items are fetched only when asked for"]
    #[derive(Debug)]
    pub struct BlockingItems<T>(Items<T>);

    impl<T: PartialEq + Clone + Send + 'static> Iterator for BlockingItems<T> {
        type Item = Result<T, Error>;

        fn next(&mut self) -> Option<Self::Item> {
            // Items of a page already fetched need no runtime, and a finished walk no error.
            if let Some(item) = self.0.buffer.next() {
                return Some(Ok(item));
            }
            let items = &mut self.0;
            if items.pages.done {
                return None;
            }
            let client = items.pages.client.clone();
            let runtime = client.blocking_runtime();
            match runtime.block_on(items.next_item(), "Items::blocking", INSTEAD) {
                Ok(item) => item.transpose(),
                Err(error) => {
                    items.pages.done = true;
                    Some(Err(error))
                }
            }
        }
    }

    impl<T: PartialEq + Clone + Send + 'static> FusedIterator for BlockingItems<T> {}
}
