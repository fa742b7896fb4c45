//! Validation failures that name the field and a message-catalog key, so the
//! web layer can show the message beside the field in the reader's language.

use serde::Serialize;

/// One problem with one input field. `code` is a message-catalog key
/// (for example `error.password.too_short`); `field` is the form field name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

/// A set of field errors: the outcome of parsing a whole form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid input: {errors:?}")]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

impl Invalid {
    pub fn one(field: &str, code: &str) -> Self {
        let mut invalid = Self::default();
        invalid.push(field, code);
        invalid
    }

    pub fn push(&mut self, field: &str, code: &str) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Records the error of `result` (if any) and returns its value.
    pub fn collect<T>(&mut self, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(other) => {
                self.errors.extend(other.errors);
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded, else the collected errors.
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn code_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.code.as_str())
    }
}
