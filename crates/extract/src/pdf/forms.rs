//! Bounding the work `pdf-extract` will do.
//!
//! A page paints form XObjects with `Do`, and `pdf-extract` follows every
//! `Do` by recursion, with no memory of where it has been: a form that paints
//! itself never ends, a long chain overflows the stack, and forms that paint
//! each other ten times over, ten levels deep, are ten billion runs. None of
//! that needs text, so the character limit cannot stop it.
//!
//! This module walks the same `Do` graph once, the way `pdf-extract` resolves
//! it, memoised; it refuses cycles and deep nesting, and adds up the content
//! bytes that extraction would parse, page by page. Pages past the budget lose
//! their `/Contents`.

use std::collections::{HashMap, HashSet};

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};

use crate::error::{ExtractError, Format};

/// Deepest nesting of forms allowed (real documents use a handful).
const MAX_FORM_DEPTH: u32 = 32;

/// Empties the content of the pages that would take the content bytes parsed
/// (with repeats) past `budget`; true if any page was emptied.
pub(super) fn limit_work(doc: &mut Document, budget: u64) -> Result<bool, ExtractError> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let Some(first_cut) = first_page_over_budget(doc, &pages, budget)? else {
        return Ok(false);
    };
    for &page_id in &pages[first_cut..] {
        if let Ok(page) = doc.get_dictionary_mut(page_id) {
            page.remove(b"Contents");
        }
    }
    Ok(true)
}

fn first_page_over_budget(
    doc: &Document,
    pages: &[ObjectId],
    budget: u64,
) -> Result<Option<usize>, ExtractError> {
    let mut planner = Planner::new(doc);
    let mut spent = 0u64;
    for (index, &page_id) in pages.iter().enumerate() {
        spent = spent.saturating_add(planner.page_cost(page_id)?);
        if spent > budget {
            return Ok(Some(index));
        }
    }
    Ok(None)
}

/// A form with the resources it runs with (its own, or its caller's).
type Key = (usize, usize);

#[derive(Debug, Clone, Copy)]
struct Cost {
    bytes: u64,
    /// Longest chain of nested forms below, this one included.
    height: u32,
}

struct Planner<'d> {
    doc: &'d Document,
    done: HashMap<Key, Cost>,
    active: HashSet<Key>,
}

impl<'d> Planner<'d> {
    fn new(doc: &'d Document) -> Self {
        Planner {
            doc,
            done: HashMap::new(),
            active: HashSet::new(),
        }
    }

    fn page_cost(&mut self, page_id: ObjectId) -> Result<u64, ExtractError> {
        let content = self.doc.get_page_content(page_id).map_err(malformed)?;
        let resources = page_resources(self.doc, page_id);
        let nested = self.content_cost(&content, resources, 0)?;
        Ok(len(&content).saturating_add(nested.bytes))
    }

    /// Cost of the forms a content stream paints.
    fn content_cost(
        &mut self,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        depth: u32,
    ) -> Result<Cost, ExtractError> {
        let mut total = Cost {
            bytes: 0,
            height: 0,
        };
        let Some(resources) = resources else {
            return Ok(total); // nothing to paint (pdf-extract fails on a Do here)
        };
        let operations = Content::decode(content).map_err(malformed)?.operations;
        for operation in operations.iter().filter(|op| op.operator == "Do") {
            let Some(name) = operation.operands.first().and_then(|o| o.as_name().ok()) else {
                continue;
            };
            let Some(form) = xobject(self.doc, resources, name) else {
                continue;
            };
            let cost = self.form_cost(form, resources, depth + 1)?;
            total.bytes = total.bytes.saturating_add(cost.bytes);
            total.height = total.height.max(cost.height);
        }
        Ok(total)
    }

    fn form_cost(
        &mut self,
        form: &'d Stream,
        caller_resources: &'d Dictionary,
        depth: u32,
    ) -> Result<Cost, ExtractError> {
        let resources = own_resources(self.doc, form).unwrap_or(caller_resources);
        let key = (address(form), address(resources));
        let cost = match self.done.get(&key) {
            Some(&cost) => cost,
            None => self.measure_form(key, form, resources, depth)?,
        };
        if depth + cost.height > MAX_FORM_DEPTH {
            return Err(malformed("form XObjects are nested too deeply"));
        }
        Ok(cost)
    }

    fn measure_form(
        &mut self,
        key: Key,
        form: &'d Stream,
        resources: &'d Dictionary,
        depth: u32,
    ) -> Result<Cost, ExtractError> {
        if depth > MAX_FORM_DEPTH {
            return Err(malformed("form XObjects are nested too deeply"));
        }
        if !self.active.insert(key) {
            return Err(malformed("a form XObject paints itself"));
        }
        let content = contents(form);
        let nested = self.content_cost(&content, Some(resources), depth)?;
        self.active.remove(&key);
        let cost = Cost {
            bytes: len(&content).saturating_add(nested.bytes),
            height: nested.height + 1,
        };
        self.done.insert(key, cost);
        Ok(cost)
    }
}

/// The page's `/Resources`, inherited through `/Parent` links as
/// `pdf-extract` does (the links were checked for cycles before).
fn page_resources(doc: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let mut node = doc.get_dictionary(page_id).ok()?;
    loop {
        if let Some(resources) = dictionary_at(doc, node, b"Resources") {
            return Some(resources);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
}

fn own_resources<'d>(doc: &'d Document, form: &'d Stream) -> Option<&'d Dictionary> {
    dictionary_at(doc, &form.dict, b"Resources")
}

/// The stream that `/XObject /name` names in `resources`.
fn xobject<'d>(doc: &'d Document, resources: &'d Dictionary, name: &[u8]) -> Option<&'d Stream> {
    let xobjects = dictionary_at(doc, resources, b"XObject")?;
    xobjects.get_deref(name, doc).ok()?.as_stream().ok()
}

fn dictionary_at<'d>(
    doc: &'d Document,
    dict: &'d Dictionary,
    key: &[u8],
) -> Option<&'d Dictionary> {
    dict.get_deref(key, doc).ok()?.as_dict().ok()
}

/// The form's content as `pdf-extract` reads it: decoded if it can be,
/// raw otherwise.
fn contents(form: &Stream) -> Vec<u8> {
    form.decompressed_content()
        .unwrap_or_else(|_| form.content.clone())
}

fn address<T>(value: &T) -> usize {
    std::ptr::from_ref(value).addr()
}

fn len(bytes: &[u8]) -> u64 {
    u64::try_from(bytes.len()).unwrap_or(u64::MAX)
}

fn malformed(e: impl std::fmt::Display) -> ExtractError {
    ExtractError::malformed(Format::Pdf, e)
}
