//! The core's one stable sort. Every `sort_by` on a new element type or with a new
//! closure makes the compiler emit another copy of the standard library's sort (3–5 KB of
//! machine code each); a dozen of them were 50 KB of the apps' 2 MiB library. Here the
//! standard sort runs once, on indices with a `dyn` comparison, and the elements are then
//! moved into that order: the same stable order, one copy of the sorting code.
//! Used for the small lists of the core (findings, enrollments, archive members);
//! nothing on a per-line path sorts.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`: equal elements keep their order.
pub fn stable_by<T>(v: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items = &*v;
        sort_indices(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `v` stably by the key `key` gives each element.
pub fn stable_by_key<T, K: Ord>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    stable_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in its natural order.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    stable_by(v, Ord::cmp);
}

/// The only instantiation of the standard library's sort: indices and one closure type.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_order_as_the_standard_stable_sort(v in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            stable_by_key(&mut ours, |&(k, _)| k);
            let mut std_sorted = v.clone();
            std_sorted.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(ours, std_sorted);
        }
    }

    #[test]
    fn moves_owned_elements_without_loss() {
        let mut v: Vec<String> = ["delta", "alpha", "charlie", "bravo", "alpha"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort(&mut v);
        assert_eq!(v, ["alpha", "alpha", "bravo", "charlie", "delta"]);
        let mut by_len = vec!["ccc".to_string(), "a".into(), "bb".into(), "d".into()];
        stable_by(&mut by_len, |a, b| a.len().cmp(&b.len()));
        assert_eq!(by_len, ["a", "d", "bb", "ccc"]);
    }
}
