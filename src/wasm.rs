//! The WebAssembly binding (placeholder until the page work lands).
