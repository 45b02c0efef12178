//! Smoke tests of the core compiled to WebAssembly, run in headless Chrome by
//! `make test` (`wasm-pack test`). The rules themselves are tested natively;
//! these prove that the same code behaves the same in the browser.

#![cfg(target_arch = "wasm32")]

use clearbill::money::Money;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn money_parses_a_formatted_amount_in_the_browser() {
    let money: Result<Money, _> = "$1,234.50".parse();
    assert_eq!(money.map(|m| m.to_string()), Ok("1234.50".to_string()));
}

#[wasm_bindgen_test]
fn money_rejects_an_ambiguous_amount_in_the_browser() {
    assert!("1.234,50".parse::<Money>().is_err());
}

// The binding of SPEC §7, called as the page calls it, in the browser.

use clearbill::progress::NoProgress;
use clearbill::wasm;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;

const CHARGES: &str = "Claim #,Patient,DOS,CPT,Charges,Payer\n\
                       1,Ann Lee,2026-10-01,99213,100.00,Aetna\n\
                       2,Bo Park,2026-10-02,99214,\"$1,250.50\",Cigna\n\
                       3,Cy Diaz,2026-10-03,36415,20.00,Aetna\n";
const PAYMENTS: &str = "Claim #,Paid,Contractual,Adj Reason\n1,80.00,20.00,CO-45\n2,0,0,CO-50\n";

fn get(object: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(object.clone(), |value, key| {
        Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

fn text(object: &JsValue, path: &str) -> Option<String> {
    get(object, path).as_string()
}

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (key, value) in entries {
        Reflect::set(&o, &JsValue::from_str(key), value).unwrap();
    }
    o.into()
}

fn file(name: &str, contents: &str) -> JsValue {
    object(&[("bytes", Uint8Array::from(contents.as_bytes()).into()), ("name", JsValue::from_str(name))])
}

fn request() -> JsValue {
    object(&[
        ("charges", file("charges.csv", CHARGES)),
        ("payments", file("payments.csv", PAYMENTS)),
        ("asOf", JsValue::from_str("2026-11-15")),
    ])
}

#[wasm_bindgen_test]
fn inspect_reads_a_small_csv_with_roles_and_a_preview() {
    let inspection =
        wasm::inspect(CHARGES.as_bytes(), "charges.csv", None, JsValue::UNDEFINED, JsValue::UNDEFINED)
            .unwrap();
    assert_eq!(text(&inspection, "format").as_deref(), Some("csv"));
    assert_eq!(get(&inspection, "headerRow").as_f64(), Some(1.0));
    let columns = Array::from(&get(&inspection, "columns"));
    assert_eq!(columns.length(), 6);
    assert_eq!(text(&columns.get(4), "role").as_deref(), Some("billed"));
    let second = Array::from(&get(&Array::from(&get(&inspection, "preview")).get(1), "cells"));
    assert_eq!(text(&second.get(4), "value").as_deref(), Some("1250.50"), "money read, and kept a string");
}

#[wasm_bindgen_test]
fn inspect_applies_a_mapping_and_refuses_garbage_with_a_readable_error() {
    let mapping = object(&[("billed", JsValue::NULL)]);
    let inspection =
        wasm::inspect(CHARGES.as_bytes(), "charges.csv", None, JsValue::UNDEFINED, mapping).unwrap();
    assert!(get(&Array::from(&get(&inspection, "columns")).get(4), "role").is_null());
    let error =
        wasm::inspect(b"%PDF-1.7\n", "scan.xlsx", None, JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(
        (text(&error, "kind").as_deref(), text(&error, "file").as_deref()),
        (Some("input"), Some("scan.xlsx"))
    );
    let message = js_sys::Error::from(error).message().as_string().unwrap_or_default();
    assert!(message.starts_with("scan.xlsx: ") && message.contains("PDF"), "{message}");
}

#[wasm_bindgen_test]
fn a_header_row_chosen_in_the_page_is_read_from_in_inspect_and_reconcile() {
    let csv = "Status,Payer\nRef,Amount Billed\n7,12.00 CR\n";
    let inspection =
        wasm::inspect(csv.as_bytes(), "ledger.csv", None, JsValue::from_f64(2.0), JsValue::UNDEFINED)
            .unwrap();
    assert_eq!(get(&inspection, "headerRow").as_f64(), Some(2.0));
    assert_eq!(text(&Array::from(&get(&inspection, "columns")).get(0), "header").as_deref(), Some("Ref"));
    let charges = file("ledger.csv", csv);
    Reflect::set(&charges, &JsValue::from_str("headerRow"), &JsValue::from_f64(2.0)).unwrap();
    let request = object(&[("charges", charges), ("asOf", JsValue::from_str("2026-11-15"))]);
    let report = wasm::reconcile(request).unwrap();
    assert_eq!(text(&report, "summary.totals.billed").as_deref(), Some("-12.00"), "a credit, from row 3");
    let bad = wasm::inspect(csv.as_bytes(), "ledger.csv", None, JsValue::from_f64(0.5), JsValue::UNDEFINED);
    assert!(bad.is_err(), "a row number is a whole number from 1");
}

#[wasm_bindgen_test]
fn a_session_reconciles_and_pages_its_lines() {
    let mut session = wasm::Session::new(request(), None).unwrap();
    let overview = session.summary().unwrap();
    assert_eq!(text(&overview, "summary.totals.billed").as_deref(), Some("1370.50"));
    assert_eq!(text(&overview, "summary.totals.insurancePaid").as_deref(), Some("80.00"));
    assert_eq!(get(&overview, "summary.byStatus.denied.count").as_f64(), Some(1.0));
    assert_eq!(get(&overview, "lines").as_f64(), Some(3.0));
    // The page names the statuses from here (issue 15): every status of the report, in order.
    let statuses = Array::from(&get(&overview, "statuses"));
    let keys: Vec<String> = statuses.iter().map(|s| text(&s, "key").unwrap()).collect();
    assert_eq!(keys, ["paid", "partial", "underpaid", "overpaid", "denied", "rejected", "unpaid"]);
    assert_eq!(text(&statuses.get(4), "label").as_deref(), Some("Denied"));
    assert_eq!(text(&statuses.get(4), "meaning").as_deref(), Some("the payer paid nothing and said why"));
    let unpaid = object(&[("statuses", Array::of1(&JsValue::from_str("unpaid")).into())]);
    let page = session.lines(unpaid).unwrap();
    assert_eq!(get(&page, "total").as_f64(), Some(1.0));
    assert_eq!(text(&Array::from(&get(&page, "items")).get(0), "claimId").as_deref(), Some("3"));
}

// The xlsx download, as the worker makes it: the page's Session lays the workbook out
// (exportBook), and the separate writer module (src/wasm_xlsx.rs) writes it.

#[wasm_bindgen_test]
fn the_writer_module_writes_the_sessions_book_to_an_xlsx_with_the_same_cents() {
    use clearbill::table::{open, CellRef, Limits};
    let session = wasm::Session::new(request(), None).unwrap();
    let xlsx = clearbill::wasm_xlsx::write_xlsx(session.export_book()).unwrap();
    let mut workbook = open(&xlsx, "export.xlsx", &Limits::default()).unwrap();
    assert_eq!(workbook.sheet_names()[..2], ["Summary", "Lines"]);
    let lines = workbook.read(Some("Lines"), &mut NoProgress).unwrap();
    assert_eq!(lines.row(0).unwrap().get(6), CellRef::Text("Billed"));
    let billed: Money = lines
        .rows()
        .skip(1)
        .map(|row| match row.get(6) {
            CellRef::Number(n) => Money::from_float_cell(n).unwrap().money,
            other => panic!("row {}: Billed is {other:?}", row.number),
        })
        .sum();
    assert_eq!(billed.to_string(), "1370.50");
    assert_eq!(lines.row(2).unwrap().get(0), CellRef::Text("2"), "claim numbers stay text");
}

#[wasm_bindgen_test]
fn the_writer_module_refuses_a_damaged_book_with_a_readable_error() {
    let error = clearbill::wasm_xlsx::write_xlsx(b"{\"sheets\": 3}".to_vec()).unwrap_err();
    let message = js_sys::Error::from(JsValue::from(error)).message().as_string().unwrap_or_default();
    assert!(message.contains("reload the page"), "{message}");
}

#[wasm_bindgen_test]
fn reconcile_returns_the_report_as_a_plain_object() {
    let report = wasm::reconcile(request()).unwrap();
    assert_eq!(text(&report, "summary.mode").as_deref(), Some("matched"));
    assert_eq!(Array::from(&get(&report, "lines")).length(), 3);
    assert_eq!(text(&report, "summary.asOf").as_deref(), Some("2026-11-15"));
}

#[wasm_bindgen_test]
fn payment_plan_splits_to_the_cent() {
    let plan = wasm::payment_plan(object(&[
        ("amount", JsValue::from_str("100.00")),
        ("months", JsValue::from_f64(3.0)),
        ("start", JsValue::from_str("2026-12-01")),
    ]))
    .unwrap();
    let amounts: Vec<String> =
        Array::from(&get(&plan, "installments")).iter().filter_map(|i| text(&i, "amount")).collect();
    assert_eq!(amounts, ["33.34", "33.33", "33.33"]);
    assert_eq!(text(&plan, "total").as_deref(), Some("100.00"));
}

// SPEC §12: 835s read on their own, as the page's worker reads them.

const ERA: &str = "ST*835*1~BPR*I*80*C*CHK************20240105~TRN*1*CHK1*1~N1*PR*ACME~N1*PE*CLINIC~LX*1~\
    CLP*A1*1*100*80*20*12*P1~NM1*QC*1*DOE*JANE~SVC*HC:99213*100*80**1~CAS*PR*2*20~SE*11*1~";

#[wasm_bindgen_test]
fn remittances_are_read_explained_and_exported_in_the_browser() {
    let files: JsValue = Array::of1(&file("era.835", ERA)).into();
    let remittances = wasm::Remittances::new(files).unwrap();
    let report = remittances.report().unwrap();
    assert_eq!(text(&report, "totals.paid").as_deref(), Some("80.00"));
    assert_eq!(text(&report, "totals.coinsurance").as_deref(), Some("20.00"));
    let explanation = remittances.explain(0).unwrap();
    assert_eq!(text(&explanation, "youOwe").as_deref(), Some("20.00"));
    assert!(remittances.explain(5).is_err());
    assert!(remittances.export_csv().contains(",20.00,"));
    let book = clearbill::export::book::Book::from_json(&remittances.export_book()).unwrap();
    assert_eq!(book.sheets.len(), 3);
}

/// What a thrown error says about itself, as the page reads it.
fn thrown(error: &JsValue) -> (Option<String>, Option<String>, Option<f64>, Option<String>) {
    assert!(wasm_bindgen::JsCast::is_instance_of::<js_sys::Error>(error), "a JS Error is thrown: {error:?}");
    (text(error, "kind"), text(error, "field"), get(error, "service").as_f64(), text(error, "message"))
}

#[wasm_bindgen_test]
fn a_thrown_error_names_its_plan_field_service_and_cell() {
    let plan = |met: &str| {
        let tier = object(&[
            ("deductible", JsValue::from_str("1500")),
            ("deductibleMet", JsValue::from_str(met)),
            ("outOfPocketMax", JsValue::from_str("5000")),
            ("coinsurance", JsValue::from_str("0.2")),
        ]);
        object(&[("inNetwork", tier)])
    };
    let services = |billed: &str| {
        let visit =
            object(&[("description", JsValue::from_str("Visit")), ("allowed", JsValue::from_str("100"))]);
        let scan =
            object(&[("description", JsValue::from_str("Scan")), ("billed", JsValue::from_str(billed))]);
        JsValue::from(Array::of2(&visit, &scan))
    };

    let error = wasm::estimate(plan("2000"), services("250")).unwrap_err();
    let (kind, field, service, message) = thrown(&error);
    assert_eq!(
        (kind.as_deref(), field.as_deref(), service),
        (Some("plan"), Some("inNetwork.deductibleMet"), None)
    );
    let detail = text(&error, "detail").unwrap_or_default();
    assert!(message.unwrap_or_default().ends_with(&detail) && !detail.contains("inNetwork"), "{detail}");

    let error = wasm::estimate(plan("0"), services("lots")).unwrap_err();
    let (kind, field, service, _) = thrown(&error);
    assert_eq!((kind.as_deref(), field.as_deref(), service), (Some("services"), Some("billed"), Some(2.0)));

    let error = wasm::estimate(plan("0"), services("-5")).unwrap_err();
    let (kind, field, service, _) = thrown(&error);
    assert_eq!((kind.as_deref(), field.as_deref(), service), (Some("estimate"), Some("billed"), Some(2.0)));

    let bill = b"Description,Billed\nVisit,100\nScan,lots\n";
    let error = wasm::read_services(bill, "bill.csv").unwrap_err();
    assert_eq!(text(&error, "file").as_deref(), Some("bill.csv"));
    assert_eq!((get(&error, "row").as_f64(), text(&error, "column").as_deref()), (Some(3.0), Some("B")));
    assert!(get(&error, "service").is_undefined(), "a row of a file is not a service number");

    // An argument the page built wrongly is a request error.
    let error = wasm::reconcile(JsValue::from_str("charges.csv")).unwrap_err();
    assert_eq!(text(&error, "kind").as_deref(), Some("request"));
}
