//! The long lists of the document (every task, every region): built in memory, or made one
//! item at a time while the document is written — on a big trace those lists run to hundreds
//! of MB of JSON, and need never exist whole.

use std::rc::Rc;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// Makes the items of a list, in order, handing each to its argument.
pub type Each<'a, T> = Rc<dyn Fn(&mut dyn FnMut(T)) + 'a>;

/// A list of the document's items.
pub enum List<'a, T> {
    /// The items, in memory.
    Items(Vec<T>),
    /// A function that makes the items, in order, handing each to its argument.
    Lazy(Each<'a, T>),
}

impl<'a, T> List<'a, T> {
    /// A list made item by item by `each` whenever it is walked.
    pub fn lazy(each: impl Fn(&mut dyn FnMut(T)) + 'a) -> List<'a, T> {
        List::Lazy(Rc::new(each))
    }

    /// Calls `f` with each item, in order.
    pub fn for_each(&self, mut f: impl FnMut(&T)) {
        match self {
            List::Items(v) => v.iter().for_each(f),
            List::Lazy(each) => each(&mut |item| f(&item)),
        }
    }

    /// The items, in memory.
    pub fn into_items(self) -> Vec<T> {
        match self {
            List::Items(v) => v,
            List::Lazy(each) => {
                let mut v = Vec::new();
                each(&mut |item| v.push(item));
                v
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            List::Items(v) => v.is_empty(),
            List::Lazy(each) => {
                let mut any = false;
                each(&mut |_| any = true);
                !any
            }
        }
    }
}

impl<T> Default for List<'_, T> {
    fn default() -> Self {
        List::Items(Vec::new())
    }
}

impl<T: Clone> Clone for List<'_, T> {
    fn clone(&self) -> Self {
        match self {
            List::Items(v) => List::Items(v.clone()),
            List::Lazy(each) => List::Lazy(Rc::clone(each)),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for List<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            List::Items(v) => v.fmt(f),
            List::Lazy(_) => f.write_str("[made while written]"),
        }
    }
}

impl<T: Serialize> Serialize for List<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            List::Items(v) => v.serialize(s),
            List::Lazy(each) => {
                let mut seq = s.serialize_seq(None)?;
                let mut err = None;
                each(&mut |item| {
                    if err.is_none() {
                        err = seq.serialize_element(&item).err();
                    }
                });
                match err {
                    Some(e) => Err(e),
                    None => seq.end(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::List;

    #[test]
    fn lazy_and_built_lists_serialize_alike() {
        let built: List<'_, u32> = List::Items(vec![1, 2, 3]);
        let lazy: List<'_, u32> = List::lazy(|f| (1..=3).for_each(&mut *f));
        assert_eq!(serde_json::to_string(&built).unwrap(), serde_json::to_string(&lazy).unwrap());
        assert_eq!(lazy.clone().into_items(), vec![1, 2, 3]);
        assert!(!lazy.is_empty());
        assert!(List::<u32>::lazy(|_| {}).is_empty());
    }
}
