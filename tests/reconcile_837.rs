//! An 837 as the charges, matched to an 835 (SPEC §11): CLP01 = CLM01, then REF*6R for lines,
//! else the procedure code and date.

use std::path::PathBuf;

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile_files, FileInput, MatchedBy, Options, Report, Status};
use clearbill::table::Limits;

fn shared(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared").join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn run(charges: &[u8], era: &str) -> Report {
    let options = Options::new(NaiveDate::from_ymd_opt(2007, 1, 31).unwrap(), Money::ZERO);
    let payments = [FileInput { bytes: era.as_bytes(), name: "era.835", ..FileInput::default() }];
    let charges = FileInput { bytes: charges, name: "batch.837", ..FileInput::default() };
    reconcile_files(
        &[&charges],
        &FileInput::sources(&payments),
        &[],
        None,
        &options,
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap()
}

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

const ISA: &str = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *070115*1200*^*00501*000000001*0*P*:~GS*HP*PAYER*CLINIC*20070115*1200*1*X*005010X221A1~";

/// The payer's answer to TR3 example 1 (claim 26463774: 99213 $40 and 87070 $15 on
/// 2006-10-03, 99214 $35 and 86663 $10 on 2006-10-10). Worked out by hand:
/// - 99213: paid 32, CO-45 8 → balance 0, paid;
/// - 87070: paid 14, CO-45 1 → paid;
/// - 99214: paid 0, CO-50 35 → denied;
/// - 86663: not in the 835 → unpaid, 10.00 outstanding.
///
/// Insurance paid 46.00; contractual 9.00 (the CO-50 denial is a denial, counted on its line).
fn era_for_example_1() -> String {
    format!(
        "{ISA}ST*835*0001~BPR*I*46*C*CHK************20070115~TRN*1*12345*1512345678~\
         N1*PR*KEY INSURANCE COMPANY~N1*PE*BEN KILDARE SERVICE*XX*1912301953~LX*1~\
         CLP*26463774*1*90*46**12*ABC123~NM1*QC*1*SMITH*TED~\
         SVC*HC:99213*40*32~DTM*472*20061003~CAS*CO*45*8~\
         SVC*HC:87070*15*14~DTM*472*20061003~CAS*CO*45*1~\
         SVC*HC:99214*35*0~DTM*472*20061010~CAS*CO*50*35~\
         SE*17*0001~GE*1*1~IEA*1*000000001~"
    )
}

#[test]
fn tr3_example_1_against_its_835() {
    let report = run(&shared("x12-837/LinuxForHealth__x12/demo.example1.837"), &era_for_example_1());
    assert_eq!(report.summary.matched_by, MatchedBy::ClaimCode);
    assert_eq!(report.lines.len(), 4);
    assert!(report.unmatched_payments.is_empty(), "{:?}", report.unmatched_payments);
    let by_code = |code: &str| report.lines.iter().find(|l| l.code.as_deref() == Some(code)).unwrap();
    assert_eq!(by_code("99213").status, Status::Paid);
    assert_eq!(by_code("99213").insurance_paid, m("32.00"));
    assert_eq!(by_code("87070").status, Status::Paid);
    assert_eq!(by_code("99214").status, Status::Denied);
    assert_eq!(by_code("86663").status, Status::Unpaid);
    assert_eq!(by_code("86663").balance, m("10.00"));
    assert_eq!(by_code("99213").patient.as_deref(), Some("SMITH, TED"));
    assert_eq!(by_code("99213").payer.as_deref(), Some("KEY INSURANCE COMPANY"));
    assert_eq!(report.summary.totals.billed, m("100.00"));
    assert_eq!(report.summary.totals.insurance_paid, m("46.00"));
}

const ISA_837: &str = "ISA*00*          *00*          *ZZ*CLINIC         *ZZ*PAYER          *070101*1200*^*00501*000000002*0*P*:~GS*HC*CLINIC*PAYER*20070101*1200*2*X*005010X222A1~";

/// Two lines with REF*6R; the payer answers the second under another code (99212 for the
/// 99213 billed) and with no date, so only the line control number can match it.
#[test]
fn lines_match_by_their_control_numbers() {
    let claims = format!(
        "{ISA_837}ST*837*0001*005010X222A1~BHT*0019*00*1*20070101*1200*CH~HL*1**20*1~NM1*85*2*CLINIC~\
         HL*2*1*22*0~NM1*IL*1*ROE*ANN****MI*M1~NM1*PR*2*ACME~CLM*C-100*150***11:B:1~\
         LX*1~SV1*HC:99214*90*UN*1~DTP*472*D8*20070105~REF*6R*C100-1~\
         LX*2~SV1*HC:99213*60*UN*1~DTP*472*D8*20070105~REF*6R*C100-2~SE*16*0001~GE*1*2~IEA*1*000000002~"
    );
    let era = format!(
        "{ISA}ST*835*0001~BPR*I*120*C*CHK************20070115~TRN*1*9*1~N1*PR*ACME~N1*PE*CLINIC*XX*1~LX*1~\
         CLP*C-100*1*150*120~NM1*QC*1*ROE*ANN~\
         SVC*HC:99214*90*80~DTM*472*20070105~CAS*CO*45*10~REF*6R*C100-1~\
         SVC*HC:99212*60*40~CAS*CO*45*20~REF*6R*C100-2~SE*14*0001~GE*1*1~IEA*1*000000001~"
    );
    let report = run(claims.as_bytes(), &era);
    assert_eq!(report.summary.matched_by, MatchedBy::ClaimLine);
    assert!(report.unmatched_payments.is_empty(), "{:?}", report.unmatched_payments);
    assert_eq!(report.lines.len(), 2);
    for line in &report.lines {
        assert_eq!(line.status, Status::Paid, "{:?}", line.line);
        assert_eq!(line.balance, Money::ZERO);
    }
    assert_eq!(report.summary.totals.insurance_paid, m("120.00"));
}

/// A replacement claim takes the original's place in the charges, and the file's notes say so.
#[test]
fn a_replacement_claim_is_the_charge() {
    let claims = format!(
        "{ISA_837}ST*837*0001*005010X222A1~HL*1**20*1~HL*2*1*22*0~NM1*IL*1*ROE*ANN~NM1*PR*2*ACME~\
         CLM*C-7*100***11:B:1~LX*1~SV1*HC:99214*100*UN*1~DTP*472*D8*20070105~\
         CLM*C-7*90***11:B:7~LX*1~SV1*HC:99213*90*UN*1~DTP*472*D8*20070105~SE*14*0001~GE*1*2~IEA*1*000000002~"
    );
    let era = format!(
        "{ISA}ST*835*0001~BPR*I*90*C*CHK************20070115~TRN*1*9*1~N1*PR*ACME~LX*1~\
         CLP*C-7*1*90*90~NM1*QC*1*ROE*ANN~SVC*HC:99213*90*90~DTM*472*20070105~SE*9*0001~GE*1*1~IEA*1*000000001~"
    );
    let report = run(claims.as_bytes(), &era);
    assert_eq!(report.lines.len(), 1);
    assert_eq!(report.lines[0].status, Status::Paid);
    assert_eq!(report.summary.totals.billed, m("90.00"));
    assert!(report.summary.notes.iter().any(|n| n.contains("supersedes")), "{:?}", report.summary.notes);
}
