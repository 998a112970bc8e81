//! Go's `container/heap` on a slice with a `less` function. The exact sift order matters:
//! it decides which of several equally bad bands is refined first, and which windows
//! `Examples` keeps, so this follows Go's `up`/`down` step for step.

pub(crate) fn init<T>(h: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = h.len();
    for i in (0..n / 2).rev() {
        down(h, i, n, &less);
    }
}

pub(crate) fn push<T>(h: &mut Vec<T>, x: T, less: impl Fn(&T, &T) -> bool) {
    h.push(x);
    let last = h.len() - 1;
    up(h, last, &less);
}

pub(crate) fn pop<T>(h: &mut Vec<T>, less: impl Fn(&T, &T) -> bool) -> Option<T> {
    let n = h.len().checked_sub(1)?;
    h.swap(0, n);
    down(h, 0, n, &less);
    h.pop()
}

pub(crate) fn remove<T>(h: &mut Vec<T>, i: usize, less: impl Fn(&T, &T) -> bool) -> Option<T> {
    let n = h.len().checked_sub(1)?;
    if i > n {
        return None;
    }
    if n != i {
        h.swap(i, n);
        if !down(h, i, n, &less) {
            up(h, i, &less);
        }
    }
    h.pop()
}

fn up<T>(h: &mut [T], mut j: usize, less: &impl Fn(&T, &T) -> bool) {
    while j > 0 {
        let i = (j - 1) / 2; // parent
        if !less(&h[j], &h[i]) {
            break;
        }
        h.swap(i, j);
        j = i;
    }
}

fn down<T>(h: &mut [T], i0: usize, n: usize, less: &impl Fn(&T, &T) -> bool) -> bool {
    let mut i = i0;
    loop {
        let j1 = 2 * i + 1;
        if j1 >= n {
            break;
        }
        let mut j = j1; // left child
        let j2 = j1 + 1;
        if j2 < n && less(&h[j2], &h[j1]) {
            j = j2; // right child
        }
        if !less(&h[j], &h[i]) {
            break;
        }
        h.swap(i, j);
        i = j;
    }
    i > i0
}
