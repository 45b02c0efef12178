//! Column roles (SPEC §3): placeholder while the module is written.
