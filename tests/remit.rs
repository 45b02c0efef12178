//! `clearbill remit` (SPEC §12) on every real 835 of the shared corpus (`tests/data/shared/x12-835`).
//!
//! The expected totals are summed here "by hand" from the raw segments: the file is split on its
//! own segment terminator and CLP04, CAS and PLB elements are read directly, with none of the
//! crate's reader. The only rule shared with the code under test is SPEC §8.5's: a transaction
//! whose TRN02 and payer were already read is skipped.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clearbill::money::Money;
use serde_json::Value;

fn corpus() -> PathBuf {
    common::shared("x12-835")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn all_835s() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    files_under(&corpus(), &mut paths);
    assert!(paths.len() >= 20, "the corpus is missing: {} files", paths.len());
    paths
}

/// The file's segments as lists of elements, split with the delimiters its ISA declares (or,
/// for a file that starts at ST, the ones its first segment uses).
fn segments(bytes: &[u8]) -> Vec<Vec<String>> {
    let text: String = bytes.iter().map(|&b| b as char).collect();
    let chars: Vec<char> = text.chars().collect();
    let isa = (0..chars.len().saturating_sub(5)).find(|&i| {
        chars[i..i + 3] == ['I', 'S', 'A'] && !chars[i + 3].is_alphanumeric() && chars[i + 4] == '0'
    });
    let (start, element, terminator) = match isa {
        Some(i) => {
            let element = chars[i + 3];
            // ISA16 is the one character after the 16th element separator; the terminator follows.
            let sixteenth = (i..chars.len()).filter(|&j| chars[j] == element).nth(15).unwrap();
            let after = chars[sixteenth + 2..].iter().find(|c| !c.is_whitespace()).unwrap();
            let terminator = if after.is_alphanumeric() { '\n' } else { *after };
            (i, element, terminator)
        }
        None => {
            let i = text.find("ST").unwrap();
            let element = chars[i + 2];
            let terminator =
                chars[i + 3..].iter().find(|c| !c.is_alphanumeric() && **c != element).copied().unwrap();
            (i, element, terminator)
        }
    };
    chars[start..]
        .iter()
        .collect::<String>()
        .split(terminator)
        .map(|s| s.trim().trim_start_matches('~').trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.split(element).map(str::to_string).collect())
        .collect()
}

fn money(text: &str) -> Money {
    text.trim().parse().unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[derive(Debug, Default, PartialEq, Eq)]
struct HandTotals {
    paid: Money,
    contractual: Money,
    deductible: Money,
    coinsurance: Money,
    copay: Money,
    provider_adjustments: Money,
    lines: usize,
    claims: usize,
    payments: usize,
}

fn element(segment: &[String], index: usize) -> &str {
    segment.get(index).map_or("", |s| s.as_str())
}

/// Σ CLP04, Σ CO, Σ PR-1/2/3, Σ PLB, and the SVC count plus one per claim without SVC.
fn by_hand(bytes: &[u8]) -> HandTotals {
    let mut t = HandTotals::default();
    let mut seen = BTreeSet::new();
    let mut skipping = false;
    let mut trace = String::new();
    let mut claim_has_lines = true;
    for seg in segments(bytes) {
        match seg[0].as_str() {
            "ST" => {
                skipping = false;
                trace.clear();
            }
            "TRN" => trace = element(&seg, 2).to_string(),
            "N1" if element(&seg, 1) == "PR" => {
                let payer = if element(&seg, 4).is_empty() { element(&seg, 2) } else { element(&seg, 4) };
                if !trace.is_empty() && !seen.insert((trace.clone(), payer.to_uppercase())) {
                    skipping = true;
                }
                if !skipping {
                    t.payments += 1;
                }
            }
            _ if skipping => {}
            "CLP" => {
                if !claim_has_lines {
                    t.lines += 1;
                }
                claim_has_lines = false;
                t.claims += 1;
                t.paid += money(element(&seg, 4));
            }
            "SVC" => {
                claim_has_lines = true;
                t.lines += 1;
            }
            "CAS" => {
                let group = element(&seg, 1);
                // Up to six reason/amount/quantity triples: CAS02/03, CAS05/06, …
                for k in 0..6 {
                    let (reason, amount) = (element(&seg, 2 + 3 * k), element(&seg, 3 + 3 * k));
                    if amount.is_empty() {
                        continue;
                    }
                    let amount = money(amount);
                    match (group, reason) {
                        ("CO", _) => t.contractual += amount,
                        ("PR", "1") => t.deductible += amount,
                        ("PR", "2") => t.coinsurance += amount,
                        ("PR", "3") => t.copay += amount,
                        _ => {}
                    }
                }
            }
            "PLB" => {
                // Up to six adjustment pairs: PLB03/04, PLB05/06, …
                for k in 0..6 {
                    let amount = element(&seg, 4 + 2 * k);
                    if !amount.is_empty() {
                        t.provider_adjustments += money(amount);
                    }
                }
            }
            "SE" => {
                if !claim_has_lines {
                    t.lines += 1;
                }
                claim_has_lines = true;
            }
            _ => {}
        }
    }
    t
}

fn remit_json(paths: &[&Path]) -> Value {
    let mut args = vec!["remit"];
    let texts: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    args.extend(texts.iter().map(String::as_str));
    args.extend(["--format", "json"]);
    let outcome = common::cli::clearbill(&args);
    assert_eq!(outcome.status, Some(0), "{}", outcome.stderr);
    outcome.json()
}

fn total(json: &Value, key: &str) -> Money {
    money(json["totals"][key].as_str().unwrap_or_else(|| panic!("totals.{key}: {}", json["totals"])))
}

#[test]
fn totals_match_sums_by_hand_from_the_segments_of_every_835() {
    let mut checked = 0;
    for path in all_835s() {
        let name = path.strip_prefix(corpus()).unwrap().display().to_string();
        let hand = by_hand(&std::fs::read(&path).unwrap());
        let json = remit_json(&[&path]);
        let got = HandTotals {
            paid: total(&json, "paid"),
            contractual: total(&json, "contractual"),
            deductible: total(&json, "deductible"),
            coinsurance: total(&json, "coinsurance"),
            copay: total(&json, "copay"),
            provider_adjustments: total(&json, "providerAdjustments"),
            lines: json["lines"].as_array().unwrap().len(),
            claims: json["claims"].as_array().unwrap().len(),
            payments: json["payments"].as_array().unwrap().len(),
        };
        assert_eq!(got, hand, "{name}");
        assert!(hand.claims > 0, "{name}: the hand count found no claim, so it checks nothing");
        // Σ over the lines and claim-level adjustments is the totals, to the cent.
        let lines = json["lines"].as_array().unwrap();
        let sum = |key: &str| lines.iter().map(|l| money(l[key].as_str().unwrap())).sum::<Money>();
        let claim_co: Money = json["claims"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["lineCount"] != 1 || lines[c["firstLine"].as_u64().unwrap() as usize]["code"].is_string()
            })
            .flat_map(|c| c["adjustments"].as_array().unwrap().clone())
            .filter(|a| a["group"] == "CO")
            .map(|a| money(a["amount"].as_str().unwrap()))
            .sum();
        assert_eq!(sum("contractual") + claim_co, hand.contractual, "{name}: lines + claim-level CO");
        checked += 1;
    }
    assert_eq!(checked, all_835s().len());
}

#[test]
fn by_hand_reader_counts_a_known_file() {
    // managed-care.835 (LinuxForHealth): two claims paying 450.00 and 495.00; CO-A2 50.00 and 55.00
    // at claim level and CO-45 50.00 on a line; PR-1 300.00 and 600.00; one SVC each.
    let hand = by_hand(&std::fs::read(corpus().join("LinuxForHealth__x12/managed-care.835")).unwrap());
    assert_eq!((hand.claims, hand.lines, hand.paid), (2, 2, money("945")));
    assert_eq!((hand.contractual, hand.deductible), (money("155"), money("900")));
}

#[test]
fn a_file_with_the_same_check_repeated_is_read_once_with_notes() {
    // profee-multiple.edi holds one NYSDOH transaction 156 times (same TRN02, same payer).
    let path = corpus().join("tastypackets__x12-parser/profee-multiple.edi");
    let json = remit_json(&[&path]);
    assert_eq!(json["payments"].as_array().unwrap().len(), 1);
    let notes = json["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 155);
    assert_eq!(
        notes[0],
        "check 10100000000 from NYSDOH appears twice; read once (profee-multiple.edi holds it twice)"
    );
}

#[test]
fn several_files_at_once_and_a_resent_check_across_files() {
    let a = corpus().join("LinuxForHealth__x12/managed-care.835");
    let b = corpus().join("azoner__pyx12/835_simple.txt");
    let json = remit_json(&[&a, &b]);
    assert_eq!(json["payments"].as_array().unwrap().len(), 2);
    let files: BTreeSet<&str> =
        json["claims"].as_array().unwrap().iter().map(|c| c["file"].as_str().unwrap()).collect();
    assert_eq!(files, BTreeSet::from(["managed-care.835", "835_simple.txt"]));
    let expected = by_hand(&std::fs::read(&a).unwrap()).paid + by_hand(&std::fs::read(&b).unwrap()).paid;
    assert_eq!(total(&json, "paid"), expected);

    // The same ERA sent again in another envelope (its ISA control number changed): read once.
    let dir = common::cli::tempdir();
    let resent = dir.join("resent.835");
    let text = std::fs::read_to_string(&a).unwrap().replacen("*000000907*", "*000000908*", 1);
    std::fs::write(&resent, &text).unwrap();
    let json = remit_json(&[&a, &resent]);
    assert_eq!(json["payments"].as_array().unwrap().len(), 1);
    assert_eq!(total(&json, "paid"), by_hand(&std::fs::read(&a).unwrap()).paid);
    assert_eq!(json["notes"].as_array().unwrap().len(), 1, "{}", json["notes"]);

    // The very same file twice is refused, naming both.
    let outcome = common::cli::clearbill(&["remit", a.to_str().unwrap(), a.to_str().unwrap()]);
    assert_ne!(outcome.status, Some(0));
    assert!(outcome.stderr.contains("is the same file as managed-care.835"), "{}", outcome.stderr);
}

#[test]
fn a_spreadsheet_given_as_a_remittance_is_named_in_the_error() {
    let csv = common::fixture("practice/charges.csv");
    let outcome = common::cli::clearbill(&["remit", csv.to_str().unwrap()]);
    assert_ne!(outcome.status, Some(0));
    assert!(outcome.stderr.contains("charges.csv: this is not an X12 file"), "{}", outcome.stderr);
}

#[test]
fn text_and_xlsx_formats_are_written() {
    let path = corpus().join("LinuxForHealth__x12/managed-care.835");
    let text = common::cli::clearbill(&["remit", path.to_str().unwrap(), "--format", "text"]);
    assert_eq!(text.status, Some(0), "{}", text.stderr);
    assert!(text.stdout.contains("Claim 5554555444"), "{}", text.stdout);
    assert!(text.stdout.contains("claim adjustment CO-A2"), "{}", text.stdout);

    let dir = common::cli::tempdir();
    let out = dir.join("era.xlsx");
    let xlsx = common::cli::clearbill(&[
        "remit",
        path.to_str().unwrap(),
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(xlsx.status, Some(0), "{}", xlsx.stderr);
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["Payments", "Claims", "Lines"]);
    let lines = book.worksheet_range("Lines").unwrap();
    let header: Vec<String> = lines.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let paid = header.iter().position(|h| h == "Paid").unwrap();
    let date = header.iter().position(|h| h == "Service Date").unwrap();
    let row = lines.rows().nth(1).unwrap();
    assert_eq!(row[paid], Data::Float(500.0));
    assert!(matches!(row[date], Data::DateTime(_)), "{:?}", row[date]);
}

fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b).arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
    })
}

/// An 835 whose patient, claim number and check number start like formulas.
const HOSTILE: &str = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PRACTICE       *240105*1200*^*00501*000000001*0*P*:~\
GS*HP*PAYER*PRACTICE*20240105*1200*1*X*005010X221A1~ST*835*0001~BPR*I*70.00*C*CHK************20240105~\
TRN*1*=1+1*1999999999~N1*PR*@PAYER~N1*PE*-CLINIC*XX*1234567893~LX*1~\
CLP*+CLAIM1*1*120.50*70.00*30.00*12*P1~NM1*QC*1*=HYPERLINK(\"http://x\")*ANN~\
SVC*HC:99213*120.50*70.00**1~DTM*472*20240102~CAS*PR*1*-10.00**2*40.00~CAS*CO*45*20.50~SE*12*0001~GE*1*1~IEA*1*000000001~";

#[test]
fn posting_sheet_opens_in_libreoffice_with_money_as_numbers_and_no_formulas() {
    let Some(soffice) = soffice() else {
        eprintln!("\n*** SKIPPED: LibreOffice (soffice) is not installed; run `make test` or apt-get install libreoffice-calc-nogui ***\n");
        return;
    };
    let dir = common::cli::tempdir();
    let era = dir.join("hostile.835");
    std::fs::write(&era, HOSTILE).unwrap();
    let csv = dir.join("posting.csv");
    let real = corpus().join("LinuxForHealth__x12/medicare-part-a.835");
    let outcome = common::cli::clearbill(&[
        "remit",
        era.to_str().unwrap(),
        real.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(outcome.status, Some(0), "{}", outcome.stderr);
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let converted = std::process::Command::new(soffice)
        .args([&profile, "--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(&dir)
        .arg(&csv)
        .output()
        .unwrap();
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));

    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(dir.join("posting.xlsx")).unwrap();
    let name = book.sheet_names()[0].clone();
    let formulas = book.worksheet_formula(&name).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "LibreOffice made a formula of a cell");
    let range = book.worksheet_range(&name).unwrap();
    let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let money_columns: Vec<usize> = [
        "Billed",
        "Paid",
        "Deductible",
        "Coinsurance",
        "Copay",
        "Other Patient Resp",
        "Contractual Adj",
        "Other Adj",
    ]
    .iter()
    .map(|h| header.iter().position(|c| c == h).unwrap_or_else(|| panic!("{h} in {header:?}")))
    .collect();
    let rows: Vec<&[Data]> = range.rows().skip(1).collect();
    assert!(rows.len() >= 2);
    for (r, row) in rows.iter().enumerate() {
        for &c in &money_columns {
            assert!(
                matches!(row[c], Data::Float(_) | Data::Int(_)),
                "row {}, {}: {:?}",
                r + 2,
                header[c],
                row[c]
            );
        }
    }
    let first = rows[0];
    let at = |h: &str| &first[header.iter().position(|c| c == h).unwrap()];
    assert_eq!(*at("Billed"), Data::Float(120.5));
    assert_eq!(*at("Deductible"), Data::Float(-10.0));
    assert_eq!(*at("Claim ID"), Data::String("'+CLAIM1".into()));
    assert_eq!(*at("Check/EFT #"), Data::String("'=1+1".into()));
    assert!(at("Patient").to_string().starts_with("'=HYPERLINK"), "{:?}", at("Patient"));
    std::fs::remove_dir_all(&dir).ok();
}

/// The JSON contract of SPEC §12 (and README's additions), on a real file: every key, camelCase,
/// money as 2-decimal strings, absent values as null. The numbers are managed-care.835's own
/// (CLP*8765432112*1*1200.00*495.00*600.00, CAS*CO*A2*55.00 at claim level, one SVC of 1200.00
/// paid 550.00 with CAS*PR*1*600.00 and CAS*CO*45*50.00).
#[test]
fn json_contract_of_a_real_remittance() {
    let json = remit_json(&[&corpus().join("LinuxForHealth__x12/managed-care.835")]);
    assert_eq!(
        json["payments"][0],
        serde_json::json!({"file": "managed-care.835", "payer": "RUSHMORE LIFE", "payee": "ACME MEDICAL CENTER",
            "checkNumber": "7170066655", "method": "ACH", "methodMeaning": "electronic funds transfer (ACH)",
            "date": null, "amount": "945.00", "claims": 2, "providerAdjustments": []})
    );
    assert_eq!(
        json["claims"][1],
        serde_json::json!({"file": "managed-care.835", "checkNumber": "7170066655", "payer": "RUSHMORE LIFE",
            "payment": 0, "claimId": "8765432112", "status": "1", "statusMeaning": "processed as primary",
            "payerClaimNumber": "94077799230000", "patient": "SETTLE, SUSAN", "memberId": "44455666610",
            "serviceDate": "2002-03-10", "billed": "1200.00", "paid": "495.00", "patientResponsibility": "600.00",
            "adjustments": [{"group": "CO", "code": "A2", "meaning": "contractual adjustment", "amount": "55.00"}],
            "remarkCodes": [], "firstLine": 1, "lineCount": 1})
    );
    assert_eq!(
        json["lines"][1],
        serde_json::json!({"file": "managed-care.835", "checkNumber": "7170066655", "claimId": "8765432112",
            "claim": 1, "patient": "SETTLE, SUSAN", "lineControl": null, "serviceDate": "2002-03-10",
            "code": "93555", "modifiers": [], "units": null, "billed": "1200.00", "allowed": null, "paid": "550.00",
            "deductible": "600.00", "coinsurance": "0.00", "copay": "0.00", "otherPatient": "0.00",
            "contractual": "50.00", "otherAdjustments": "0.00", "reasonCodes": ["PR-1", "CO-45"], "remarkCodes": []})
    );
    assert_eq!(
        json["totals"],
        serde_json::json!({"billed": "2000.00", "paid": "945.00", "contractual": "155.00",
            "patientResponsibility": "900.00", "deductible": "900.00", "coinsurance": "0.00", "copay": "0.00",
            "otherPatient": "0.00", "otherAdjustments": "0.00", "providerAdjustments": "0.00", "payments": "945.00"})
    );
    assert_eq!(json["findings"][0]["location"], "segment 4 (BPR, #2 in its transaction)");
    assert_eq!(json["codeMeanings"]["CO-A2"], "contractual adjustment");
}
