//! Estimates end to end: the worked checks of SPEC §5, the JSON contract and
//! the invariants of cost sharing.
