//! The WebAssembly binding: convert from JS, call the core, convert back.
//!
//! The stable functions of SPEC §7 are `inspect`, `reconcile`, `estimate`
//! and `paymentPlan`; they take and return plain JS objects (money as
//! strings) and throw `Error`s with a readable message. A thrown `Error` also
//! says what it is about in own properties, so that the page never reads the
//! message: `kind` (`crate::ErrorKind::name`, or `"request"` for arguments the
//! page built wrongly), `detail` (the message without the file or plan field
//! it starts with), and, where known, `file`, `sheet`, `row`, `column`,
//! `field` and `service` (`crate::Position`). A reconciliation of
//! 200,000 lines is kept inside wasm as a [`Session`], which the page asks
//! for a summary, a page of lines, the worklist or an export, instead of
//! copying every line into JS. The xlsx export is written by a separate wasm
//! module, loaded only when needed (`src/wasm_xlsx.rs`); a Session hands it
//! the workbook laid out as data (`exportBook`).

use std::borrow::Cow;

use js_sys::{Function, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::columns::MappingOverride;
use crate::estimate::{self, Plan};
use crate::reconcile::query::LineQuery;
use crate::reconcile::{reconcile_files, FileSource, Options, Report};
use crate::table::Limits;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    // std has no randomness here: seed the maps' hash (see `hashing`) from the browser's.
    let half = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
    crate::hashing::seed_with(half() << 32 | half());
}

/// The crate version, so the page can show which build it runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Plain JS objects out: maps become objects, `None` becomes `null`.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| request_error("internal", &e.to_string()))
}

/// An argument read into `T`; an error names the argument (`what`) and, as `field`, the path to
/// the value that is wrong (`discount`, `payers[0].filingDays`).
fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let js = request_error("request", &format!("{what}: {inner}"));
        let _ = Reflect::set(&js, &JsValue::from_str("detail"), &JsValue::from_str(&inner));
        if path != "." {
            let _ = Reflect::set(&js, &JsValue::from_str("field"), &JsValue::from_str(&path));
        }
        js
    })
}

/// A core error, thrown as a JS `Error` with its kind and position (see the module doc).
fn err(e: impl Into<crate::Error>) -> JsValue {
    let error = e.into();
    thrown(&error, &error.to_string())
}

/// A core error thrown with a message this edge words (a hint for the page added, say).
fn thrown(error: &crate::Error, message: &str) -> JsValue {
    let js = js_sys::Error::new(message);
    set(&js, "kind", error.kind().name());
    set(&js, "detail", error.detail());
    let position = error.position();
    let strings = [
        ("file", &position.file),
        ("sheet", &position.sheet),
        ("column", &position.column),
        ("field", &position.field),
    ];
    for (key, value) in strings {
        if let Some(value) = value {
            set(&js, key, value.as_str());
        }
    }
    if let Some(row) = position.row {
        set(&js, "row", row);
    }
    if let Some(service) = position.service {
        set(&js, "service", service as f64);
    }
    js.into()
}

/// An error of this edge, not of the core: `kind` is `"request"` for arguments the page built
/// wrongly, `"internal"` for a value that would not convert.
fn request_error(kind: &str, message: &str) -> JsValue {
    let js = js_sys::Error::new(message);
    set(&js, "kind", kind);
    set(&js, "detail", message);
    js.into()
}

fn set(object: &js_sys::Error, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// `inspect(bytes, fileName, sheet?, headerRow?, mapping?)`: what a file looks
/// like before reconciling, read with the header row the user chose (1-based;
/// absent finds it). A mapping object in the place of `headerRow` is the
/// mapping (the form before header rows could be chosen). An X12 835 answers
/// with its summary instead of columns.
#[wasm_bindgen]
pub fn inspect(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<String>,
    header_row: JsValue,
    mapping: JsValue,
) -> Result<JsValue, JsValue> {
    if crate::x12::looks_like_x12(bytes) && crate::x12::parse(bytes).is_err() && !crate::x12::is_837(bytes) {
        if let Ok(acks) = crate::x12::parse_acks(bytes) {
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct AcksInspection<'a> {
                file: &'a str,
                format: &'static str,
                summary: String,
                claims: usize,
                rejected: usize,
            }
            let rejected = acks.claims.iter().filter(|c| c.rejected()).count()
                + acks.sets.iter().filter(|s| s.rejected()).count();
            return to_js(&AcksInspection {
                file: file_name,
                format: "x12-ack",
                summary: crate::x12::acks_summary_text(&acks),
                claims: acks.claims.len(),
                rejected,
            });
        }
    }
    if crate::x12::is_837(bytes) {
        let batch = crate::x12::parse_837(bytes).map_err(|e| in_file(e, file_name))?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ClaimsInspection<'a> {
            file: &'a str,
            format: &'static str,
            summary: String,
            claims: usize,
            lines: usize,
            billed: crate::money::Money,
            findings: usize,
        }
        return to_js(&ClaimsInspection {
            file: file_name,
            format: "x12-837",
            summary: crate::x12::claims_summary_text(&batch),
            claims: batch.claims.len(),
            lines: batch.line_count(),
            billed: batch.total(),
            findings: batch.findings.len(),
        });
    }
    if crate::x12::looks_like_x12(bytes) {
        let remittance = crate::x12::parse(bytes).map_err(|e| in_file(e, file_name))?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct RemittanceInspection<'a> {
            file: &'a str,
            format: &'static str,
            summary: String,
            claims: usize,
            findings: usize,
        }
        return to_js(&RemittanceInspection {
            file: file_name,
            format: "x12-835",
            summary: crate::x12::summary_text(&remittance),
            claims: remittance.claim_count(),
            findings: remittance.all_findings().len(),
        });
    }
    let (header_row, mapping) =
        if header_row.is_object() { (JsValue::UNDEFINED, header_row) } else { (header_row, mapping) };
    let header_row = header_row_arg(&header_row, "headerRow")?;
    let overrides: Option<MappingOverride> =
        if mapping.is_undefined() || mapping.is_null() { None } else { Some(from_js(mapping, "mapping")?) };
    let inspection = crate::inspect::inspect(
        bytes,
        file_name,
        sheet.as_deref(),
        header_row,
        overrides.as_ref(),
        &Limits::default(),
    )
    .map_err(err)?;
    to_js(&inspection)
}

/// A core error of a file that does not name it: thrown with the file's name before the message.
fn in_file(e: impl Into<crate::Error>, file_name: &str) -> JsValue {
    let error = e.into().in_file(file_name);
    thrown(&error, &format!("{file_name}: {error}"))
}

/// One file of a reconcile request: `{ bytes, name, sheet?, headerRow?, mapping? }`.
/// The bytes stay in JS until the file's turn comes to be read (see [`FileSource`]).
struct FileArg {
    bytes: Uint8Array,
    name: String,
    sheet: Option<String>,
    header_row: Option<u32>,
    mapping: Option<MappingOverride>,
}

/// A header row the user chose: a whole number from 1, or absent (`undefined`, `null`, `""`).
fn header_row_arg(value: &JsValue, what: &str) -> Result<Option<u32>, JsValue> {
    if value.is_undefined() || value.is_null() || value.as_string().is_some_and(|s| s.trim().is_empty()) {
        return Ok(None);
    }
    let number = value.as_f64().or_else(|| value.as_string().and_then(|s| s.trim().parse().ok()));
    match number {
        Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => Ok(Some(n as u32)),
        _ => Err(request_error("request", &format!("{what} must be a row number from 1"))),
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn opt_string(v: JsValue) -> Option<String> {
    v.as_string().filter(|s| !s.is_empty())
}

fn file_arg(v: &JsValue, role: &str) -> Result<FileArg, JsValue> {
    let bytes = get(v, "bytes");
    // A Uint8Array, or the ArrayBuffer a worker was handed.
    let bytes = if bytes.is_instance_of::<Uint8Array>() || bytes.is_instance_of::<js_sys::ArrayBuffer>() {
        Uint8Array::new(&bytes)
    } else {
        return Err(request_error(
            "request",
            &format!("{role}.bytes must be a Uint8Array or an ArrayBuffer"),
        ));
    };
    let mapping = get(v, "mapping");
    let mapping = if mapping.is_undefined() || mapping.is_null() {
        None
    } else {
        Some(from_js(mapping, &format!("{role}.mapping"))?)
    };
    Ok(FileArg {
        bytes,
        name: opt_string(get(v, "name")).unwrap_or_else(|| role.to_string()),
        sheet: opt_string(get(v, "sheet")),
        header_row: header_row_arg(&get(v, "headerRow"), &format!("{role}.headerRow"))?,
        mapping,
    })
}

/// One file or an array of files (`role[i]` in messages); absent (`undefined`, `null`) is none.
fn file_args(value: &JsValue, role: &str) -> Result<Vec<FileArg>, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(Vec::new())
    } else if js_sys::Array::is_array(value) {
        js_sys::Array::from(value)
            .iter()
            .enumerate()
            .map(|(i, f)| file_arg(&f, &format!("{role}[{i}]")))
            .collect()
    } else {
        Ok(vec![file_arg(value, role)?])
    }
}

impl FileSource for FileArg {
    fn name(&self) -> &str {
        &self.name
    }
    fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }
    fn mapping(&self) -> Option<&MappingOverride> {
        self.mapping.as_ref()
    }
    fn header_row(&self) -> Option<u32> {
        self.header_row
    }
    fn len(&self) -> usize {
        self.bytes.length() as usize
    }
    /// Copied into wasm memory now, and freed by the caller once the file is read.
    fn bytes(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.bytes.to_vec())
    }
}

/// Runs a reconcile request: `{ charges, payments?, acks?, fees?, asOf, tolerance? }`,
/// where `payments` may be one file or an array of files, `charges` one file or an array of 837
/// claim files (read in order, SPEC §11), and `acks` an array of 999 or 277CA acknowledgment files.
fn run(request: &JsValue, progress: Option<&Function>) -> Result<Report, JsValue> {
    if !request.is_object() {
        return Err(request_error(
            "request",
            "reconcile needs an object { charges, payments?, fees?, asOf, tolerance? }",
        ));
    }
    let charges = file_args(&get(request, "charges"), "charges")?;
    if charges.is_empty() {
        return Err(request_error(
            "request",
            "charges is required: a file { bytes, name }, or an array of 837 files",
        ));
    }
    let payments = file_args(&get(request, "payments"), "payments")?;
    let acks = file_args(&get(request, "acks"), "acks")?;
    let fees_value = get(request, "fees");
    let fees = if fees_value.is_undefined() || fees_value.is_null() {
        None
    } else {
        Some(file_arg(&fees_value, "fees")?)
    };
    // Filing and appeal limits (SPEC §8.7): `{ filingDays, appealDays, waitDays,
    // showWaiting, payers: [{ payer, filingDays?, appealDays? }] }`, each optional.
    let deadlines_value = get(request, "deadlines");
    let deadlines: crate::reconcile::DeadlineRules =
        if deadlines_value.is_undefined() || deadlines_value.is_null() {
            Default::default()
        } else {
            from_js(deadlines_value, "deadlines")?
        };
    let as_of = opt_string(get(request, "asOf"))
        .ok_or_else(|| request_error("request", "asOf is required (YYYY-MM-DD)"))?;
    let tolerance = opt_string(get(request, "tolerance"));
    let options = Options::parse(&as_of, tolerance.as_deref(), deadlines).map_err(|e| {
        let control = match e.setting() {
            crate::reconcile::options::Setting::AsOf => "As-of date",
            crate::reconcile::options::Setting::Tolerance => "Tolerance",
        };
        let error = crate::Error::from(e);
        thrown(&error, &format!("{control}: {error}"))
    })?;
    let charge_inputs: Vec<&dyn FileSource> = charges.iter().map(|c| c as &dyn FileSource).collect();
    let payment_inputs: Vec<&dyn FileSource> = payments.iter().map(|p| p as &dyn FileSource).collect();
    let fee_input = fees.as_ref().map(|f| f as &dyn FileSource);
    let ack_inputs: Vec<&dyn FileSource> = acks.iter().map(|a| a as &dyn FileSource).collect();
    // The page hears whole percents; the core reports them as shares of 1.
    let mut report_progress = |message: &str, done: f32| {
        if let Some(f) = progress {
            let percent = (done * 100.0).round() as u8;
            let _ = f.call2(&JsValue::NULL, &JsValue::from_str(message), &JsValue::from(percent));
        }
    };
    reconcile_files(
        &charge_inputs,
        &payment_inputs,
        &ack_inputs,
        fee_input,
        &options,
        &Limits::default(),
        &mut report_progress,
    )
    .map_err(|e| match e.hint() {
        Some(crate::records::Hint::MapAColumn) => {
            let message = format!("{e}. Choose the column that holds it in the file's column list");
            thrown(&crate::Error::from(e), &message)
        }
        None => err(e),
    })
}

/// `reconcile(request)`: the whole report as a plain object (SPEC §7). It is written as JSON
/// text and made into objects by the engine's `JSON.parse`: for a report of many lines that is
/// faster than building each object across the wasm boundary (BENCH.md, "reconcile()"), and
/// the objects are the same (`null` for an absent value, maps as objects). A `Session` keeps a
/// big report in wasm memory instead and pages it.
#[wasm_bindgen]
pub fn reconcile(request: JsValue) -> Result<JsValue, JsValue> {
    let report = run(&request, None)?;
    let text = serde_json::to_string(&report).map_err(|e| request_error("internal", &e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// A reconciliation kept in wasm memory, for reports too big to copy at once.
#[wasm_bindgen]
pub struct Session {
    report: Report,
    /// The order of the last line query, so paging does not sort again.
    selection: Option<crate::reconcile::query::Selection>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct PageArgs {
    offset: usize,
    limit: usize,
}

fn page<T: Serialize>(items: &[T], args: PageArgs) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Page<'a, T> {
        total: usize,
        offset: usize,
        items: &'a [T],
    }
    let limit = if args.limit == 0 { 100 } else { args.limit.min(5_000) };
    let start = args.offset.min(items.len());
    let end = (start + limit).min(items.len());
    to_js(&Page { total: items.len(), offset: start, items: &items[start..end] })
}

#[wasm_bindgen]
impl Session {
    /// Reconciles a request; `progress(message, percent)` is called as it goes.
    #[wasm_bindgen(constructor)]
    pub fn new(request: JsValue, progress: Option<Function>) -> Result<Session, JsValue> {
        Ok(Session { report: run(&request, progress.as_ref())?, selection: None })
    }

    /// The summary, with the payers of the lines and the sizes of every list.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Overview<'a> {
            summary: &'a crate::reconcile::Summary,
            payers: Vec<String>,
            patients: Vec<String>,
            lines: usize,
            claims: usize,
            worklist: usize,
            unmatched_payments: usize,
            rejected: usize,
            provider_adjustments: &'a [crate::reconcile::ProviderAdjustment],
            remittance_findings: usize,
            duplicates: usize,
            /// The statuses in report order, with the page's names for them.
            statuses: Vec<StatusName>,
        }
        #[derive(Serialize)]
        struct StatusName {
            key: &'static str,
            label: &'static str,
            meaning: &'static str,
        }
        let r = &self.report;
        to_js(&Overview {
            summary: &r.summary,
            payers: r.payers(),
            patients: r.patients(),
            lines: r.lines.len(),
            claims: r.claims.len(),
            worklist: r.worklist.len(),
            unmatched_payments: r.unmatched_payments.len(),
            rejected: r.rejected.len(),
            provider_adjustments: &r.provider_adjustments,
            remittance_findings: r.remittance_findings.len(),
            duplicates: r.duplicates.len(),
            statuses: crate::reconcile::Status::ALL
                .iter()
                .map(|s| StatusName { key: s.key(), label: s.label(), meaning: s.meaning() })
                .collect(),
        })
    }

    /// A page of lines: `{ statuses?, payer?, search?, sort?, descending?, offset?, limit? }`.
    pub fn lines(&mut self, query: JsValue) -> Result<JsValue, JsValue> {
        let q: LineQuery = if query.is_undefined() || query.is_null() {
            LineQuery::default()
        } else {
            from_js(query, "query")?
        };
        to_js(&self.report.query_lines_cached(&q, &mut self.selection))
    }

    /// A page of the claim-level worklist (SPEC §8.7): `{ kinds?, payer?,
    /// claimIds?, sort?, descending?, offset?, limit? }`; by default in its
    /// own order (deadline, then amount at stake).
    pub fn worklist(&self, query: JsValue) -> Result<JsValue, JsValue> {
        let q: crate::reconcile::work_query::WorkQuery = if query.is_undefined() || query.is_null() {
            Default::default()
        } else {
            from_js(query, "query")?
        };
        to_js(&self.report.query_worklist(&q))
    }

    /// Every claim's number, status and amount at stake: what the page's
    /// workspace compares with the previous run ("since last run", SPEC §8.8).
    #[wasm_bindgen(js_name = claimStates)]
    pub fn claim_states(&self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct State<'a> {
            claim_id: &'a str,
            status: crate::reconcile::Status,
            at_stake: crate::Money,
        }
        let states: Vec<State<'_>> = self
            .report
            .claims
            .iter()
            .filter_map(|c| {
                Some(State { claim_id: c.claim_id.as_deref()?, status: c.status, at_stake: c.at_stake })
            })
            .collect();
        to_js(&states)
    }

    /// A page of the claims (SPEC §8.7 `report.claims`).
    pub fn claims(&self, args: JsValue) -> Result<JsValue, JsValue> {
        page(&self.report.claims, page_args(args)?)
    }

    /// The claim-level worklist as CSV, safe from formula injection.
    #[wasm_bindgen(js_name = exportWorklistCsv)]
    pub fn export_worklist_csv(&self) -> String {
        crate::export::worklist_csv(&self.report)
    }

    #[wasm_bindgen(js_name = unmatchedPayments)]
    pub fn unmatched_payments(&self, args: JsValue) -> Result<JsValue, JsValue> {
        page(&self.report.unmatched_payments, page_args(args)?)
    }

    pub fn rejected(&self, args: JsValue) -> Result<JsValue, JsValue> {
        page(&self.report.rejected, page_args(args)?)
    }

    /// Payment rows counted once because they repeat an earlier row (SPEC §8.5).
    pub fn duplicates(&self, args: JsValue) -> Result<JsValue, JsValue> {
        page(&self.report.duplicates, page_args(args)?)
    }

    #[wasm_bindgen(js_name = remittanceFindings)]
    pub fn remittance_findings(&self, args: JsValue) -> Result<JsValue, JsValue> {
        page(&self.report.remittance_findings, page_args(args)?)
    }

    /// The whole report laid out as a workbook, as JSON: what the xlsx writer
    /// module's `writeXlsx` turns into the xlsx file (see `src/wasm_xlsx.rs`).
    #[wasm_bindgen(js_name = exportBook)]
    pub fn export_book(&self) -> Vec<u8> {
        crate::export::book::report_json(&self.report)
    }

    /// The lines as CSV, safe from formula injection.
    #[wasm_bindgen(js_name = exportCsv)]
    pub fn export_csv(&self) -> String {
        crate::export::lines_csv(&self.report)
    }

    /// The whole report as JSON text (the contract of SPEC §7).
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(&self) -> Result<String, JsValue> {
        serde_json::to_string_pretty(&self.report).map_err(|e| request_error("internal", &e.to_string()))
    }

    /// The patients a search finds (SPEC §9.5): MRN, name in any order, claim
    /// number or date of birth; each with a key for `patientAccount`.
    #[wasm_bindgen(js_name = findPatients)]
    pub fn find_patients(&self, text: &str) -> Result<JsValue, JsValue> {
        to_js(&self.report.find_patients(text))
    }

    /// The patient of line `index` (the lines' `index`), as `findPatients` gives one.
    #[wasm_bindgen(js_name = patientOfLine)]
    pub fn patient_of_line(&self, index: usize) -> Result<JsValue, JsValue> {
        let key = self.report.lines.get(index).and_then(crate::patient::account::patient_key);
        to_js(&key)
    }

    /// One patient's account and statement (SPEC §9.5 JSON), or null.
    #[wasm_bindgen(js_name = patientAccount)]
    pub fn patient_account(&self, key: &str) -> Result<JsValue, JsValue> {
        to_js(&self.report.patient_account(key))
    }

    /// The accounts of every patient with a balance, for printing their statements.
    #[wasm_bindgen(js_name = accountsWithBalance)]
    pub fn accounts_with_balance(&self) -> Result<JsValue, JsValue> {
        let accounts: Vec<_> = self
            .report
            .patients_with_balance()
            .iter()
            .filter_map(|p| self.report.patient_account(&p.key))
            .collect();
        to_js(&accounts)
    }

    /// "Explain this balance" (SPEC §9.1): the patient's lines (key from
    /// `findPatients`) as the estimate's services, processed where the payer
    /// answered; `{ services, processed, awaiting }`, or null.
    #[wasm_bindgen(js_name = explainBalance)]
    pub fn explain_balance(&self, key: &str) -> Result<JsValue, JsValue> {
        to_js(&self.report.balance_services(key))
    }
}

fn page_args(args: JsValue) -> Result<PageArgs, JsValue> {
    if args.is_undefined() || args.is_null() {
        Ok(PageArgs::default())
    } else {
        from_js(args, "page")
    }
}

/// `estimate(plan, services)`: services is an array of service objects.
#[wasm_bindgen]
pub fn estimate(plan: JsValue, services: JsValue) -> Result<JsValue, JsValue> {
    let plan_json: serde_json::Value = from_js(plan, "plan")?;
    let plan = Plan::from_value(plan_json).map_err(err)?;
    let services_json: serde_json::Value = from_js(services, "services")?;
    let list = estimate::service::services_from_value(services_json).map_err(err)?;
    let options = estimate::EstimateOptions::default();
    to_js(&estimate::estimate(&plan, &list.services, &list.notes, &options).map_err(err)?)
}

/// `readServices(bytes, fileName)`: a bill loaded as xlsx/csv, as service objects,
/// with `columns: { used, ignored }` (the header texts) for the page to show.
#[wasm_bindgen(js_name = readServices)]
pub fn read_services(bytes: &[u8], file_name: &str) -> Result<JsValue, JsValue> {
    let list = estimate::service::read_services(bytes, file_name).map_err(err)?;
    let out = Object::new();
    let _ = Reflect::set(&out, &JsValue::from_str("services"), &to_js(&list.services)?);
    let _ = Reflect::set(&out, &JsValue::from_str("notes"), &to_js(&list.notes)?);
    let columns = Object::new();
    let _ = Reflect::set(&columns, &JsValue::from_str("used"), &to_js(&list.columns_used)?);
    let _ = Reflect::set(&columns, &JsValue::from_str("ignored"), &to_js(&list.columns_ignored)?);
    let _ = Reflect::set(&out, &JsValue::from_str("columns"), &columns.into());
    Ok(out.into())
}

/// `paymentPlan({ amount, months, start, discount? })`.
#[wasm_bindgen(js_name = paymentPlan)]
pub fn payment_plan(request: JsValue) -> Result<JsValue, JsValue> {
    let req: estimate::payment_plan::PaymentPlanRequest = from_js(request, "payment plan")?;
    to_js(&req.plan().map_err(err)?)
}

/// `gfeCheck(estimateBytes, estimateName, billBytes, billName, billDate, asOf)`: the
/// Good Faith Estimate check of SPEC §9.4. `billDate` is `YYYY-MM-DD` or null; `asOf`
/// is the page's today, `YYYY-MM-DD`.
#[wasm_bindgen(js_name = gfeCheck)]
pub fn gfe_check(
    estimate_bytes: &[u8],
    estimate_name: &str,
    bill_bytes: &[u8],
    bill_name: &str,
    bill_date: Option<String>,
    as_of: &str,
) -> Result<JsValue, JsValue> {
    use estimate::gfe::{check, read_gfe_lines};
    use estimate::payment_plan::parse_start;
    let estimated = read_gfe_lines(estimate_bytes, estimate_name).map_err(err)?;
    let billed = read_gfe_lines(bill_bytes, bill_name).map_err(err)?;
    // A date of this call, not of a payment plan: named by the argument that holds it.
    let date_error = |e: estimate::PaymentPlanError, what: &str, field: &str| {
        let error = crate::Error::from(e);
        let js = thrown(&error, &format!("{what}: {error}"));
        let _ = Reflect::set(&js, &JsValue::from_str("field"), &JsValue::from_str(field));
        js
    };
    let bill_date = bill_date
        .filter(|d| !d.trim().is_empty())
        .map(|d| parse_start(&d))
        .transpose()
        .map_err(|e| date_error(e, "bill date", "billDate"))?;
    let as_of = parse_start(as_of).map_err(|e| date_error(e, "today's date", "asOf"))?;
    to_js(&check(&estimated, &billed, bill_date, as_of))
}

/// The column roles a mapping may name, in the order the page lists them, and
/// the confidence below which a detected role should be checked:
/// `{ roles: [{ key, label }], lowConfidence }`. The page's dropdowns use the
/// core's names instead of a copy of them.
#[wasm_bindgen(js_name = columnRoles)]
pub fn column_roles() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct RoleName {
        key: &'static str,
        label: &'static str,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Roles {
        roles: Vec<RoleName>,
        low_confidence: crate::columns::Confidence,
    }
    to_js(&Roles {
        roles: crate::columns::Role::ALL
            .iter()
            .map(|r| RoleName { key: r.key(), label: r.label() })
            .collect(),
        low_confidence: crate::columns::LOW_CONFIDENCE,
    })
}

/// The date the sample files were made for, which "Try with sample data" puts
/// in the as-of field (`sample::AS_OF`).
#[wasm_bindgen(js_name = sampleAsOf)]
pub fn sample_as_of() -> String {
    crate::sample::AS_OF.to_string()
}

/// `xlsxFloor(bytes)`: inflates and tokenises an xlsx's first worksheet and
/// shared strings with no cell handling, answering `{ inflatedBytes, events }`.
/// The benchmarks time it as the floor under reading (see `table::floor`); only
/// their own wasm build (`bench` feature) has it.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = xlsxFloor)]
pub fn xlsx_floor(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let count = crate::table::floor::xlsx_floor(bytes).map_err(err)?;
    let out = Object::new();
    let _ =
        Reflect::set(&out, &JsValue::from_str("inflatedBytes"), &JsValue::from(count.inflated_bytes as f64));
    let _ = Reflect::set(&out, &JsValue::from_str("events"), &JsValue::from(count.events as f64));
    Ok(out.into())
}

/// The built-in sample files (`sample::FILES`) as `[{ role, name, bytes }]`.
#[wasm_bindgen(js_name = sampleFiles)]
pub fn sample_files() -> Result<JsValue, JsValue> {
    let out = js_sys::Array::new();
    for crate::sample::SampleFile { role, name, bytes } in &crate::sample::FILES {
        let o = Object::new();
        let _ = Reflect::set(&o, &JsValue::from_str("role"), &JsValue::from_str(role));
        let _ = Reflect::set(&o, &JsValue::from_str("name"), &JsValue::from_str(name));
        let _ = Reflect::set(&o, &JsValue::from_str("bytes"), &Uint8Array::from(*bytes).into());
        out.push(&o);
    }
    Ok(out.into())
}

/// 835 remittances read on their own, with no charges file (SPEC §12): kept in wasm so that the
/// page can ask for a claim's explanation and for the downloads.
#[wasm_bindgen]
pub struct Remittances {
    report: crate::remit::RemitReport,
}

#[wasm_bindgen]
impl Remittances {
    /// `new Remittances([{ bytes, name }, …])`: reads every file; an error names the file.
    #[wasm_bindgen(constructor)]
    pub fn new(files: JsValue) -> Result<Remittances, JsValue> {
        if !js_sys::Array::is_array(&files) {
            return Err(request_error("request", "remittances need an array of files [{ bytes, name }]"));
        }
        let args: Vec<FileArg> = js_sys::Array::from(&files)
            .iter()
            .enumerate()
            .map(|(i, f)| file_arg(&f, &format!("files[{i}]")))
            .collect::<Result<_, _>>()?;
        let contents: Vec<Vec<u8>> = args.iter().map(|f| f.bytes.to_vec()).collect();
        let inputs: Vec<crate::remit::RemitFile<'_>> = args
            .iter()
            .zip(&contents)
            .map(|(f, bytes)| crate::remit::RemitFile { name: &f.name, bytes })
            .collect();
        Ok(Remittances { report: crate::remit::read_remittances(&inputs).map_err(err)? })
    }

    /// The whole report (payments, claims, lines, totals, findings, notes, code meanings).
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(&self.report)
    }

    /// "Explain to the patient" for claim number `claim` (an index into `claims`).
    pub fn explain(&self, claim: usize) -> Result<JsValue, JsValue> {
        let explanation = crate::remit::explain(&self.report, claim).ok_or_else(|| {
            request_error("request", &format!("there is no claim number {claim} in these remittances"))
        })?;
        to_js(&explanation)
    }

    /// The workbook (Payments, Claims, Lines) as JSON, for the xlsx writer module.
    #[wasm_bindgen(js_name = exportBook)]
    pub fn export_book(&self) -> Vec<u8> {
        crate::remit::remit_book(&self.report).to_json()
    }

    /// The posting sheet as CSV, safe from formula injection.
    #[wasm_bindgen(js_name = exportCsv)]
    pub fn export_csv(&self) -> String {
        crate::remit::lines_csv(&self.report)
    }

    /// The report as JSON text (SPEC §12).
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(&self) -> Result<String, JsValue> {
        serde_json::to_string_pretty(&self.report).map_err(|e| request_error("internal", &e.to_string()))
    }
}
/// The size of the `File` slices a hospital price file is read in (SPEC §10): large enough that
/// crossing into JS costs nothing, small enough that a 2 GB file never sits in memory.
const PRICE_SLICE_BYTES: u64 = 4 << 20;

/// A hospital price file read as a stream of slices that JS hands over on demand
/// (`readSlice(offset, length) → Uint8Array`, a `FileReaderSync` on `file.slice` in the worker).
struct SliceReader<'a> {
    size: u64,
    offset: u64,
    read_slice: &'a Function,
    progress: Option<&'a Function>,
    chunk: Vec<u8>,
    at: usize,
    last_percent: u32,
}

impl std::io::Read for SliceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.chunk.len() {
            if self.offset >= self.size {
                return Ok(0);
            }
            let length = PRICE_SLICE_BYTES.min(self.size - self.offset);
            let value = self
                .read_slice
                .call2(
                    &JsValue::NULL,
                    &JsValue::from_f64(self.offset as f64),
                    &JsValue::from_f64(length as f64),
                )
                .map_err(|_| std::io::Error::other("the browser could not read the next part of the file"))?;
            let array = Uint8Array::new(&value);
            let got = array.length() as usize;
            if got == 0 {
                return Ok(0);
            }
            self.chunk.resize(got, 0);
            array.copy_to(&mut self.chunk);
            self.at = 0;
            self.offset += got as u64;
            let percent = (self.offset * 100 / self.size.max(1)) as u32;
            if let (Some(progress), true) = (self.progress, percent != self.last_percent) {
                self.last_percent = percent;
                let _ = progress.call1(&JsValue::NULL, &JsValue::from(percent));
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// `readPrices(size, readSlice, query, progress?)`: one streamed pass over a hospital price
/// file (SPEC §10). `query` is `{ code?, words?, payer?: "any" | "cash" | { named }, plan?,
/// setting?, maxMatches? }`; without a code or words the pass only reads the hospital, the
/// payer and plan names and the findings. `progress(percent)` hears how far it is.
#[wasm_bindgen(js_name = readPrices)]
pub fn read_prices(
    size: f64,
    read_slice: &Function,
    query: JsValue,
    progress: Option<Function>,
) -> Result<JsValue, JsValue> {
    let query: crate::prices::Query = from_js(query, "price query")?;
    let reader = SliceReader {
        size: size.max(0.0) as u64,
        offset: 0,
        read_slice,
        progress: progress.as_ref(),
        chunk: Vec::new(),
        at: 0,
        last_percent: 0,
    };
    to_js(&crate::prices::read(reader, &query).map_err(err)?)
}
