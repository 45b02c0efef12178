//! What `clearbill inspect` shows (placeholder until columns.rs lands).

use serde::Serialize;

#[derive(Serialize)]
pub struct Inspection {}

impl Inspection {
    pub fn to_text(&self) -> String {
        String::new()
    }
}

pub fn inspect(_bytes: &[u8], _name: &str, _sheet: Option<&str>) -> Result<Inspection, String> {
    Err("inspect is being written".into())
}
